/**
 * `snelstart-invoice`: books the order in SnelStart, exactly once.
 *
 * Mode "verkoopboeking" (default) posts the booking vat-mapper made. Mode "verkooporder" posts a
 * sales order (the concept invoice SnelStart turns into an invoice), after syncing its articles:
 * found by article code, created in the revenue group of their VAT category when missing. Credit
 * notes are always posted as (negative) verkoopboekingen: a sales order cannot credit an invoice.
 *
 * Exactly once, in layers: the shop's sync ledger is checked before posting; an earlier attempt
 * whose outcome was unknown is looked up first; a `BOE-0021` answer (number exists) or an unknown
 * outcome (timeout, reset, 502-504) leads to a lookup by factuurnummer and adoption of the booking
 * found — never a second booking. Success is recorded in the ledger with the SnelStart id.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { KoppelingError } from "../errors";
import { type Booking, type OrderInput, buildVerkooporder, centsToEuros, toVerkoopboeking, toVerkooporder } from "../koppeling";
import { type BookedEntry, type LedgerKey, isBooked, markBooked } from "../koppeling/sync-ledger";
import type { SnelStartClient } from "../snelstart/client";
import type { CcvConfigNode } from "./ccv-config";
import { type CcvMeta, type KoppelingMessage, UNKNOWN_OUTCOME, ledgerKeyOf, onOrderMessage, shopOf, status } from "./shared";
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
}

/** How often, and how far apart, a booking whose answer got lost is looked up before giving up for this run. */
const LOOKUP_TRIES = 3;
const LOOKUP_GAP_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The verkoopboeking SnelStart holds under this booking's number, if it is this booking (same amount). */
async function existingBooking(client: SnelStartClient, booking: Booking): Promise<string | null> {
  const found = await client.findVerkoopfactuur(booking.factuurnummer);
  if (!found) return null;
  const amount = centsToEuros(booking.totalCents);
  if (found.factuurBedrag != null && Math.round(found.factuurBedrag * 100) !== booking.totalCents) {
    throw new KoppelingError(
      "INVOICE_NUMBER_TAKEN",
      `Invoice number ${booking.factuurnummer} already exists in SnelStart for €${found.factuurBedrag}, not €${amount}: another document uses this number (entered by hand, or by another koppeling). Nothing was booked; change the invoice number rule or the other document.`,
      { factuurnummer: booking.factuurnummer, existing: found.factuurBedrag, expected: amount },
    );
  }
  const id = found.verkoopBoeking?.id;
  if (!id) throw new KoppelingError("SNELSTART_INVALID_RESPONSE", `SnelStart lists invoice ${booking.factuurnummer} without its booking id`);
  return id;
}

async function postBooking(client: SnelStartClient, booking: Booking, relatieId: string, lookupFirst: boolean): Promise<Outcome> {
  if (lookupFirst) {
    const id = await existingBooking(client, booking);
    if (id) return { id, type: "verkoopboeking", adopted: true };
  }
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
    for (let i = 0; i < LOOKUP_TRIES; i++) {
      await sleep(LOOKUP_GAP_MS * i);
      const id = await existingBooking(client, booking);
      if (id) return { id, type: "verkoopboeking", adopted: true };
    }
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
    /** Documents being posted right now: a second message for one of them waits for the first. */
    const inFlight = new Map<string, Promise<unknown>>();
    /** Article code → SnelStart id (or the pending lookup), for the node's lifetime. */
    const articles = new Map<string, Promise<string>>();
    let booked = 0;
    let skipped = 0;
    node.status(admin ? status.idle(`ready (${mode})`) : status.error("no SnelStart configured"));

    onOrderMessage(RED, node, async (msg) => {
      const key = msg.ccv ? ledgerKeyOf(msg.ccv) : null;
      const previous = key ? inFlight.get(key) : undefined;
      const job = (previous ?? Promise.resolve()).catch(() => undefined).then(() => work(msg, key));
      if (key) {
        inFlight.set(key, job);
        job.catch(() => undefined).finally(() => inFlight.get(key) === job && inFlight.delete(key));
      }
      await job;
      node.status(status.ok(`${booked} booked${skipped ? `, ${skipped} already` : ""}`));
    });

    async function work(msg: KoppelingMessage, key: LedgerKey | null): Promise<void> {
      if (!admin) throw new KoppelingError("SNELSTART_CONFIG", "Select a SnelStart administration (snelstart-config) in this node");
      const booking = msg.payload as Booking | undefined;
      if (!booking || typeof booking !== "object" || !booking.factuurnummer || !Array.isArray(booking.lines)) {
        throw new KoppelingError("BOOKING_INVALID", "msg.payload must be the booking vat-mapper makes");
      }
      const relatieId = msg.snelstart?.relatieId;
      if (!relatieId) throw new KoppelingError("RELATIE_MISSING", "msg.snelstart.relatieId is missing: put snelstart-debtor before this node");
      const shop = shopOf(RED, msg);

      const before = shop && key ? await shop.ledger.read((l) => ({ booked: isBooked(l, key), failed: l.failed[key] ?? null })) : null;
      if (before?.booked) {
        skipped++;
        msg.snelstart = { ...msg.snelstart, ...idsOf(before.booked.type, before.booked.snelstartId), factuurnummer: before.booked.factuurnummer, alreadyBooked: true };
        return;
      }
      const earlierUnknown = before?.failed?.unknownOutcome === true;
      node.status(status.busy(`booking ${booking.factuurnummer}`));
      const client = admin.client();
      const outcome =
        mode === "verkooporder" && booking.kind === "invoice"
          ? await postOrder(client, msg, relatieId, earlierUnknown)
          : await postBooking(client, booking, relatieId, !shop || earlierUnknown);

      if (shop && key) await record(shop, key, msg.ccv as CcvMeta, booking, outcome);
      booked++;
      msg.snelstart = { ...msg.snelstart, ...idsOf(outcome.type, outcome.id), factuurnummer: booking.factuurnummer, ...(outcome.adopted ? { adopted: true } : {}) };
    }

    function idsOf(type: BookedEntry["type"], id: string) {
      return type === "verkooporder" ? { verkooporderId: id } : { boekingId: id };
    }

    async function record(shop: CcvConfigNode, key: LedgerKey, ccv: CcvMeta, booking: Booking, outcome: Outcome): Promise<void> {
      await shop.ledger.update((l) =>
        markBooked(l, key, { ordernumber: ccv.ordernumber, factuurnummer: booking.factuurnummer, snelstartId: outcome.id, type: outcome.type, adopted: outcome.adopted }, new Date()),
      );
    }

    async function postOrder(client: SnelStartClient, msg: KoppelingMessage, relatieId: string, earlierUnknown: boolean): Promise<Outcome> {
      if (!mappingNode) throw new KoppelingError("MAPPING_INVALID", "Mode verkooporder needs the VAT mapping (articles and revenue groups) selected in this node");
      const ccvOrder = msg.ccv?.order as OrderInput | undefined;
      if (!ccvOrder || typeof ccvOrder !== "object" || !("order" in ccvOrder)) {
        throw new KoppelingError("ORDER_INVALID", "Mode verkooporder needs the CCV order (msg.ccv.order, kept by vat-mapper)");
      }
      const { mapping, articleGroups, context } = await mappingNode.forCustomer(ccvOrder.order.customer);
      const model = buildVerkooporder(ccvOrder, mapping, context);
      if (earlierUnknown) {
        throw new KoppelingError(
          "ORDER_OUTCOME_UNKNOWN",
          `An earlier attempt to post the sales order for CCV order ${model.orderreferentie} got no answer. SnelStart cannot be searched for sales orders, so it is not posted again by itself: check SnelStart for a sales order with reference ${model.orderreferentie}; if there is none, send ccv-orders-in a message with msg.topic "retry" and msg.payload.id = ${String(ccvOrder.order.id)} (the CCV order id).`,
          { orderreferentie: model.orderreferentie },
        );
      }
      const ids = new Map<string, string>();
      for (const regel of model.regels) {
        if (!ids.has(regel.artikelcode)) ids.set(regel.artikelcode, await articleId(client, regel, articleGroups));
      }
      const created = await client.createVerkooporder(toVerkooporder(model, relatieId, ids));
      return { id: created.id, type: "verkooporder", adopted: false };
    }

    /** The SnelStart id of an article code, creating the article in its revenue group when missing. */
    function articleId(client: SnelStartClient, regel: { artikelcode: string; omschrijving: string; stuksprijs: number; vatCategory: keyof ArticleGroups }, groups: ArticleGroups): Promise<string> {
      let pending = articles.get(regel.artikelcode);
      if (!pending) {
        pending = (async () => {
          const found = await client.findArtikel(regel.artikelcode);
          if (found) return found.id;
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
      return pending;
    }
  }

  RED.nodes.registerType("snelstart-invoice", Invoice);
}
