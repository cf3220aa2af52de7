/**
 * `snelstart-invoice`: books the order in SnelStart, exactly once.
 *
 * Mode "verkoopboeking" (default) posts the booking vat-mapper made. Mode "verkooporder" posts a
 * sales order (the concept invoice SnelStart turns into an invoice), after syncing its articles:
 * found by article code, created in the revenue group of their VAT category when missing. Credit
 * notes are always posted as (negative) verkoopboekingen: a sales order cannot credit an invoice.
 *
 * Exactly once, without relying on SnelStart's duplicate-number check (`BOE-0021`), which a
 * sales order does not have at all:
 * 1. The shop's sync ledger decides first: a document recorded as booked is not posted again.
 * 2. Right before each POST an intent ("posting X under number N") is stored durably; the outcome
 *    is stored before the next document is posted (the ledger journal fsyncs both).
 * 3. An intent without an outcome (a crash, a lost answer), an earlier unknown outcome, or a
 *    `BOE-0021` answer leads to a lookup first — verkoopfacturen by number; verkooporders by
 *    paging for the one with this order's reference, description and customer — and the document
 *    found is adopted, never posted twice. A booking under the same number that is not this order
 *    (another amount or date) is `INVOICE_NUMBER_TAKEN`. Only a lookup that finds nothing (after a
 *    few tries: SnelStart can take a moment) lets the POST go ahead. A sales order that cannot be
 *    looked up (the listing fails) is held as `ORDER_OUTCOME_UNKNOWN` for a manual check.
 * 4. A POST SnelStart refused outright (a validation code) stored nothing: its intent is dropped.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { refusesDocument } from "../error-codes";
import { KoppelingError } from "../errors";
import { type Booking, type OrderInput, type VerkooporderRegelModel, buildVerkooporder, centsToEuros, checkVerkooporderTotals, toVerkoopboeking, toVerkooporder, verkooporderIdentity } from "../koppeling";
import { type BookedEntry, type LedgerKey, clearIntent, earlierCredit, findBooked, intentOf, ledgerKey, markBooked, markNothingToCredit, recordIntent } from "../koppeling/sync-ledger";
import type { SnelStartClient } from "../snelstart/client";
import type { Verkooporder } from "../snelstart/schemas";
import type { CcvConfigNode } from "./ccv-config";
import { type CcvMeta, type KoppelingMessage, UNKNOWN_OUTCOME, asKoppelingError, ledgerKeyOf, onOrderMessage, shopOf, status } from "./shared";
import { addWindowConsumer } from "./message-window";
import type { SnelStartConfigNode } from "./snelstart-config";
import type { ArticleGroups, VatMappingNode } from "./vat-mapping";

export interface InvoiceDef extends NodeDef {
  snelstart: string;
  mode: "verkoopboeking" | "verkooporder";
  /** The VAT mapping; needed in verkooporder mode (articles and their revenue groups). */
  mapping: string;
}

interface Outcome {
  id: string;
  type: BookedEntry["type"];
  adopted: boolean;
  /** What the document's own check found (a sales order's totals not CCV's), for msg.snelstart.warnings. */
  warnings?: string[];
}

/** How often, and how far apart, a booking whose answer got lost is looked up before giving up for this run. */
const LOOKUP_TRIES = 3;
const LOOKUP_GAP_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The verkoopboeking SnelStart holds under this booking's number, if it is this booking: the same
 * amount and (with `date`, the default) invoice date. Another document under the number is
 * INVOICE_NUMBER_TAKEN.
 */
async function existingBooking(client: SnelStartClient, booking: Pick<Booking, "factuurnummer" | "factuurdatum" | "totalCents">, date = true): Promise<string | null> {
  const found = await client.findVerkoopfactuur(booking.factuurnummer);
  if (!found) return null;
  const amount = centsToEuros(booking.totalCents);
  const sameAmount = found.factuurBedrag == null || Math.round(found.factuurBedrag * 100) === booking.totalCents;
  const sameDate = !date || !found.factuurDatum || found.factuurDatum.slice(0, 10) === booking.factuurdatum.slice(0, 10);
  if (!sameAmount || !sameDate) {
    throw new KoppelingError(
      "INVOICE_NUMBER_TAKEN",
      `Invoice number ${booking.factuurnummer} already exists in SnelStart (€${found.factuurBedrag ?? "?"} on ${found.factuurDatum?.slice(0, 10) ?? "?"}), not this order's €${amount} on ${booking.factuurdatum.slice(0, 10)}: another document uses this number (entered by hand, another koppeling, or another CCV order with the same number). Nothing was booked; change the invoice number rule or the other document.`,
      { factuurnummer: booking.factuurnummer, existing: found.factuurBedrag, expected: amount },
    );
  }
  const id = found.verkoopBoeking?.id;
  if (!id) throw new KoppelingError("SNELSTART_INVALID_RESPONSE", `SnelStart lists invoice ${booking.factuurnummer} without its booking id`);
  return id;
}

/**
 * Looks `find` up a few times, a moment apart: right after a lost answer, a document just stored
 * can take a moment to be listed (an earlier run's document is listed by then: one lookup).
 */
async function lookUp<T>(find: () => Promise<T | null>): Promise<T | null> {
  for (let i = 0; i < LOOKUP_TRIES; i++) {
    if (i) await sleep(LOOKUP_GAP_MS * i);
    const found = await find();
    if (found) return found;
  }
  return null;
}

/** This order's sales order as the koppeling writes it: its reference, description and customer. */
function matchesOrder(id: { orderreferentie: string; omschrijving: string }, relatieId: string): (o: Verkooporder) => boolean {
  return (o) => o.orderreferentie === id.orderreferentie && o.omschrijving === id.omschrijving && o.relatie?.id === relatieId;
}

/** SnelStart refused the POST with its own validation code: nothing was stored. */
function refusedOutright(err: unknown): boolean {
  return err instanceof KoppelingError && refusesDocument(err.code);
}

/**
 * Posts a verkoopboeking once: looked up first when an earlier attempt may have stored it
 * (`lookupFirst`), adopted on `BOE-0021` or after an unknown outcome when found. `beforePost`
 * stores the intent, right before the POST.
 */
async function postBooking(client: SnelStartClient, booking: Booking, relatieId: string, lookupFirst: boolean, beforePost: () => Promise<void>): Promise<Outcome> {
  if (lookupFirst) {
    const id = await existingBooking(client, booking);
    if (id) return { id, type: "verkoopboeking", adopted: true };
  }
  await beforePost();
  try {
    const created = await client.createVerkoopboeking(toVerkoopboeking(booking, relatieId));
    return { id: created.id, type: "verkoopboeking", adopted: false };
  } catch (err) {
    if (!(err instanceof KoppelingError)) throw err;
    if (err.code === "SNELSTART_BOE_0021") {
      const id = await existingBooking(client, booking);
      if (id) return { id, type: "verkoopboeking", adopted: true };
      throw err;
    }
    if (err.code !== UNKNOWN_OUTCOME) throw err;
    // The booking may or may not exist: look it up a few times (it can take a moment to appear).
    const id = await lookUp(() => existingBooking(client, booking));
    if (id) return { id, type: "verkoopboeking", adopted: true };
    throw err;
  }
}

export default function (RED: NodeAPI): void {
  function Invoice(this: Node, def: InvoiceDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const admin = RED.nodes.getNode(def.snelstart) as SnelStartConfigNode | null;
    const mappingNode = def.mapping ? (RED.nodes.getNode(def.mapping) as VatMappingNode | null) : null;
    const mode = def.mode === "verkooporder" ? "verkooporder" : "verkoopboeking";
    /**
     * Documents being posted right now, per CCV order number: a second message for one of them
     * waits for the first. An order, its cancellation and its credit invoices share the lane, so a
     * cancellation arriving (by webhook) while its order or a credit invoice of it is being booked
     * is checked after that booking landed (and a credit invoice after the cancellation's).
     */
    const inFlight = new Map<string, Promise<unknown>>();
    /** Article code → SnelStart id (or the pending lookup), for the node's lifetime. */
    const articles = new Map<string, Promise<string>>();
    let booked = 0;
    let skipped = 0;
    const leaveWindows = addWindowConsumer();
    node.on("close", leaveWindows);
    node.status(admin ? status.idle(`ready (${mode})`) : status.error("no SnelStart configured"));

    onOrderMessage(RED, node, async (msg) => {
      const key = msg.ccv ? ledgerKeyOf(msg.ccv) : null;
      const lane = msg.ccv ? (msg.ccv.ordernumber != null ? `number:${msg.ccv.ordernumber}` : key) : null;
      const previous = lane ? inFlight.get(lane) : undefined;
      const job = (previous ?? Promise.resolve()).catch(() => undefined).then(() => work(msg, key));
      if (lane) {
        inFlight.set(lane, job);
        job.catch(() => undefined).finally(() => inFlight.get(lane) === job && inFlight.delete(lane));
      }
      await job;
      node.status(status.ok(`${booked} booked${skipped ? `, ${skipped} already` : ""}`));
    }, { last: true });

    async function work(msg: KoppelingMessage, key: LedgerKey | null): Promise<void> {
      if (!admin) throw new KoppelingError("SNELSTART_CONFIG", "Select a SnelStart administration (snelstart-config) in this node");
      const booking = msg.payload as Booking | undefined;
      if (!booking || typeof booking !== "object" || !booking.factuurnummer || !Array.isArray(booking.lines)) {
        throw new KoppelingError("BOOKING_INVALID", "msg.payload must be the booking vat-mapper makes");
      }
      const relatieId = msg.snelstart?.relatieId;
      if (!relatieId) throw new KoppelingError("RELATIE_MISSING", "msg.snelstart.relatieId is missing: put snelstart-debtor before this node");
      const shop = shopOf(RED, msg);

      const ccvKind = msg.ccv?.kind;
      const number = msg.ccv?.ordernumber;
      const creditKind = ccvKind === "cancellation" || ccvKind === "credit-invoice" ? ccvKind : null;
      const before =
        shop && key
          ? await shop.ledger.read((l) => ({
              booked: findBooked(l, key, number ?? null, (msg.ccv?.order as { order?: { create_date?: string } } | undefined)?.order?.create_date),
              failed: l.failed[key] ?? null,
              intent: intentOf(l, key),
              credited: creditKind && number != null ? earlierCredit(l, creditKind, number) : null,
            }))
          : null;
      if (before?.booked) {
        skipped++;
        const ids = before.booked.folded ? {} : idsOf(before.booked.type, before.booked.snelstartId);
        msg.snelstart = { ...msg.snelstart, ...ids, factuurnummer: before.booked.factuurnummer, alreadyBooked: true };
        return;
      }
      if (before?.credited) {
        // Credited meanwhile by the other route (a credit invoice, or the cancellation): never twice.
        skipped++;
        msg.snelstart = { ...msg.snelstart, factuurnummer: before.credited.entry.factuurnummer, alreadyBooked: true, creditedBy: before.credited.key };
        return;
      }
      if (msg.ccv?.originalUnconfirmed && booking.kind === "credit") {
        const original = await confirmOriginal(admin.client(), msg, booking);
        if (!original) {
          // SnelStart does not hold the order: nothing to credit, and that is settled for good.
          const ccv = msg.ccv;
          if (shop) await shop.ledger.update((l) => markNothingToCredit(l, ccv.orderId, ccv.ordernumber, new Date()));
          skipped++;
          msg.snelstart = { ...msg.snelstart, alreadyBooked: true, nothingToCredit: true };
          return;
        }
        const ccv = msg.ccv;
        if (shop) {
          await shop.ledger.update((l) =>
            markBooked(l, ledgerKey("order", ccv.orderId), { ordernumber: ccv.ordernumber, factuurnummer: original.factuurnummer, snelstartId: original.id, type: original.type, adopted: true }, new Date()),
          );
        }
      }
      // An earlier attempt may have stored it: its answer got lost, or it never recorded its outcome.
      const mayExist = before?.failed?.unknownOutcome === true || before?.intent != null;
      node.status(status.busy(`booking ${booking.factuurnummer}`));
      const client = admin.client();
      const asOrder = mode === "verkooporder" && booking.kind === "invoice";
      const beforePost = async () => {
        if (shop && key) await shop.ledger.update((l) => recordIntent(l, key, { factuurnummer: booking.factuurnummer, type: asOrder ? "verkooporder" : "verkoopboeking" }, new Date()));
      };
      let outcome: Outcome;
      try {
        outcome = asOrder ? await postOrder(client, msg, booking, relatieId, mayExist, beforePost) : await postBooking(client, booking, relatieId, !shop || mayExist, beforePost);
      } catch (err) {
        if (shop && key && refusedOutright(err)) await shop.ledger.update((l) => clearIntent(l, key));
        throw err;
      }

      if (shop && key) await record(shop, key, msg.ccv as CcvMeta, booking, outcome);
      booked++;
      const warnings = [...(msg.snelstart?.warnings ?? []), ...(outcome.warnings ?? [])];
      for (const w of outcome.warnings ?? []) node.warn(w);
      msg.snelstart = { ...msg.snelstart, ...idsOf(outcome.type, outcome.id), factuurnummer: booking.factuurnummer, ...(outcome.adopted ? { adopted: true } : {}), ...(warnings.length ? { warnings } : {}) };
    }

    /**
     * The original of a cancellation the ledger did not know as booked, as SnelStart holds it, or
     * null: a verkoopboeking by its number (this order's amount, any date: else INVOICE_NUMBER_TAKEN),
     * in verkooporder mode a sales order by its reference, description and customer.
     */
    async function confirmOriginal(client: SnelStartClient, msg: KoppelingMessage, credit: Booking): Promise<{ id: string; factuurnummer: string; type: "verkoopboeking" | "verkooporder" } | null> {
      const number = credit.originalFactuurnummer ?? "";
      if (mode === "verkooporder") {
        const order = msg.ccv?.order as OrderInput | undefined;
        if (!order?.order) throw new KoppelingError("ORDER_INVALID", "A cancellation in verkooporder mode needs the CCV order (msg.ccv.order, kept by vat-mapper)");
        const isThis = matchesOrder(verkooporderIdentity(order), msg.snelstart?.relatieId ?? "");
        const found = await client.findVerkooporder(isThis);
        return found ? { id: found.id, factuurnummer: number, type: "verkooporder" } : null;
      }
      // The original as booked: this credit's amount, negated, under the original's number (a credit may be dated later).
      const id = await existingBooking(client, { factuurnummer: number, factuurdatum: credit.factuurdatum, totalCents: -credit.totalCents }, false);
      return id ? { id, factuurnummer: number, type: "verkoopboeking" } : null;
    }

    function idsOf(type: BookedEntry["type"], id: string) {
      return type === "verkooporder" ? { verkooporderId: id } : { boekingId: id };
    }

    async function record(shop: CcvConfigNode, key: LedgerKey, ccv: CcvMeta, booking: Booking, outcome: Outcome): Promise<void> {
      await shop.ledger.update((l) =>
        markBooked(l, key, { ordernumber: ccv.ordernumber, factuurnummer: booking.factuurnummer, snelstartId: outcome.id, type: outcome.type, adopted: outcome.adopted }, new Date()),
      );
    }

    async function postOrder(client: SnelStartClient, msg: KoppelingMessage, booking: Booking, relatieId: string, mayExist: boolean, beforePost: () => Promise<void>): Promise<Outcome> {
      if (!mappingNode) throw new KoppelingError("MAPPING_INVALID", "Mode verkooporder needs the VAT mapping (articles and revenue groups) selected in this node");
      const ccvOrder = msg.ccv?.order as OrderInput | undefined;
      if (!ccvOrder || typeof ccvOrder !== "object" || !("order" in ccvOrder)) {
        throw new KoppelingError("ORDER_INVALID", "Mode verkooporder needs the CCV order (msg.ccv.order, kept by vat-mapper)");
      }
      const { mapping, articleGroups, context } = await mappingNode.forCustomer(ccvOrder.order.customer);
      const model = buildVerkooporder(ccvOrder, mapping, context);
      const isThis = matchesOrder(model, relatieId);
      // The sales order's own warnings (vat-mapper gave the booking's), and SnelStart's totals of it checked against CCV's.
      const own = model.warnings.filter((w) => !(booking.warnings ?? []).includes(w));
      const outcome = (o: Verkooporder, adopted: boolean): Outcome => ({ id: o.id, type: "verkooporder", adopted, warnings: [...own, ...checkVerkooporderTotals(model, o)] });
      const find = () => client.findVerkooporder(isThis);
      if (mayExist) {
        let found: Verkooporder | null;
        try {
          found = await find();
        } catch (err) {
          throw new KoppelingError(
            "ORDER_OUTCOME_UNKNOWN",
            `An earlier attempt to post the sales order for CCV order ${model.orderreferentie} may have been stored, and SnelStart's sales orders could not be listed to find out (${asKoppelingError(err).code}). It is not posted again by itself: check SnelStart for a sales order with reference ${model.orderreferentie}; if there is none, send ccv-orders-in a message with msg.topic "retry" and msg.payload.id = ${String(ccvOrder.order.id)} (the CCV order id).`,
            { orderreferentie: model.orderreferentie },
            { cause: err },
          );
        }
        if (found) return outcome(found, true);
      }
      const ids = new Map<string, string>();
      for (const regel of model.regels) {
        if (!ids.has(regel.artikelcode)) ids.set(regel.artikelcode, await articleId(client, regel, articleGroups, model.orderreferentie));
      }
      await beforePost();
      try {
        return outcome(await client.createVerkooporder(toVerkooporder(model, relatieId, ids)), false);
      } catch (err) {
        if (!(err instanceof KoppelingError) || err.code !== UNKNOWN_OUTCOME) throw err;
        const found = await lookUp(find).catch(() => null);
        if (found) return outcome(found, true);
        throw err;
      }
    }

    /**
     * The SnelStart id of an article code, creating the article in its revenue group when missing;
     * ARTICLE_GROUP_UNKNOWN when the order does not tell the group (a product in a zero-rated sale).
     */
    function articleId(client: SnelStartClient, regel: VerkooporderRegelModel, groups: ArticleGroups, orderreferentie: string): Promise<string> {
      let pending = articles.get(regel.artikelcode);
      if (!pending) {
        pending = (async () => {
          const found = await client.findArtikel(regel.artikelcode);
          if (found) return found.id;
          if (regel.vatCategory === null) {
            throw new KoppelingError(
              "ARTICLE_GROUP_UNKNOWN",
              `Article ${regel.artikelcode} (${regel.omschrijving}) does not exist in SnelStart, and CCV order ${orderreferentie} is zero-rated for its customer (ICP or export), so its 0 % does not tell the product's Dutch VAT rate: the article is not created in a revenue group that would be wrong for every Dutch sale of it. Create the article in SnelStart in its revenue group (a Dutch order of it creates it too); the order is booked on the next run.`,
              { artikelcode: regel.artikelcode, orderreferentie },
            );
          }
          const group = groups[regel.vatCategory];
          if (!group) {
            throw new KoppelingError("ARTICLE_GROUP_MISSING", `Article ${regel.artikelcode} does not exist in SnelStart and the VAT mapping names no article revenue group for VAT category ${regel.vatCategory} to create it in`);
          }
          try {
            return (await client.createArtikel({ artikelcode: regel.artikelcode, omschrijving: regel.omschrijving.slice(0, 50) || regel.artikelcode, artikelOmzetgroep: { id: group }, verkoopprijs: regel.stuksprijs })).id;
          } catch (err) {
            // Created in the meantime (another message, another koppeling): use it.
            if (err instanceof KoppelingError && err.code === "SNELSTART_ART_0005") {
              const again = await client.findArtikel(regel.artikelcode);
              if (again) return again.id;
            }
            throw err;
          }
        })();
        articles.set(regel.artikelcode, pending);
        pending.catch(() => articles.delete(regel.artikelcode));
      }
      // Another order's lookup that could not create it (zero-rated): this line can, so it tries itself.
      return regel.vatCategory === null ? pending : pending.catch((err: unknown) => (err instanceof KoppelingError && err.code === "ARTICLE_GROUP_UNKNOWN" ? articleId(client, regel, groups, orderreferentie) : Promise.reject(err)));
    }
  }

  RED.nodes.registerType("snelstart-invoice", Invoice);
}
