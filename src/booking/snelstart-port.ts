/**
 * The SnelStart side of exactly once (./exactly-once.ts): how a sales booking or a sales order
 * is found, prepared and posted with the SnelStart client's public calls.
 *
 * - A verkoopboeking is found by its invoice number (`/verkoopfacturen`); one under the number
 *   that is not this booking (another amount, or with `date` another invoice date) is
 *   INVOICE_NUMBER_TAKEN.
 * - A verkooporder is found by paging for the one with this order's reference, description and
 *   customer. When an earlier attempt may have stored it and the listing fails, it is held as
 *   ORDER_OUTCOME_UNKNOWN for a person to check. Its articles are synced before it is posted:
 *   found by article code, created in the revenue group of their VAT category when missing.
 */
import { KoppelingError } from "../errors";
import { type Booking, type MappedDocument, type SalesOrderIdentity, type SalesOrderPlan, type VerkooporderRegelModel, centsToEuros, checkVerkooporderTotals, toVerkoopboeking, toVerkooporder } from "../koppeling";
import type { ArticleGroups } from "../koppeling/document";
import type { SnelStartClient } from "../snelstart/client";
import type { VerkoopBoekingCreate, Verkooporder } from "../snelstart/schemas";
import type { LookupReason, SnelStartPort, Stored } from "./exactly-once";

/** A sales booking: the POST body (absent for an original that is only looked up), and what identifies it. */
export interface BookingPosting {
  type: "verkoopboeking";
  booking: Pick<Booking, "factuurnummer" | "factuurdatum" | "totalCents">;
  body?: VerkoopBoekingCreate;
}

/** A sales order: its plan (absent for an original that is only looked up), how it is recognised, and its customer. */
export interface OrderPosting {
  type: "verkooporder";
  identity: SalesOrderIdentity;
  relatieId: string;
  /** The CCV order id, for the message of ORDER_OUTCOME_UNKNOWN. */
  orderId: number | null;
  order?: SalesOrderPlan;
}

export type Posting = BookingPosting | OrderPosting;

/** What this adapter needs of the SnelStart client. */
export type SnelStartCalls = Pick<SnelStartClient, "findVerkoopfactuur" | "createVerkoopboeking" | "findVerkooporder" | "createVerkooporder" | "findArtikel" | "createArtikel">;

/**
 * The verkoopboeking SnelStart holds under this booking's number, if it is this booking: the same
 * amount and (with `date`) invoice date. Another document under the number is INVOICE_NUMBER_TAKEN.
 */
async function existingBooking(client: SnelStartCalls, booking: BookingPosting["booking"], date: boolean): Promise<string | null> {
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

/** This order's sales order as the koppeling writes it: its reference, description and customer. */
function matchesOrder(id: SalesOrderIdentity, relatieId: string): (o: Verkooporder) => boolean {
  return (o) => o.orderreferentie === id.orderreferentie && o.omschrijving === id.omschrijving && o.relatie?.id === relatieId;
}

export class SnelStartBooker implements SnelStartPort<Posting> {
  /** Article code → SnelStart id (or the pending lookup), for the adapter's lifetime. */
  private readonly articles = new Map<string, Promise<string>>();

  constructor(private readonly client: () => SnelStartCalls) {}

  async find(p: Posting, why: LookupReason): Promise<Stored | null> {
    if (p.type === "verkoopboeking") {
      // The original a credit names may be dated earlier than the credit: any date.
      const id = await existingBooking(this.client(), p.booking, why !== "original");
      return id ? { id, type: "verkoopboeking" } : null;
    }
    let found: Verkooporder | null;
    try {
      found = await this.client().findVerkooporder(matchesOrder(p.identity, p.relatieId));
    } catch (err) {
      if (why === "unknown-outcome") return null;
      if (why !== "earlier-attempt") throw err;
      const code = err instanceof KoppelingError ? err.code : "UNEXPECTED";
      throw new KoppelingError(
        "ORDER_OUTCOME_UNKNOWN",
        `An earlier attempt to post the sales order for CCV order ${p.identity.orderreferentie} may have been stored, and SnelStart's sales orders could not be listed to find out (${code}). It is posted only once a listing shows SnelStart does not hold it: every run (and a retry of CCV order id ${String(p.orderId)}) looks again.`,
        { orderreferentie: p.identity.orderreferentie },
        { cause: err },
      );
    }
    return found ? this.stored(p, found) : null;
  }

  /** A sales order's articles, found or created, before its intent is recorded. */
  async prepare(p: Posting): Promise<void> {
    if (p.type === "verkooporder") await this.articleIds(this.planOf(p));
  }

  async post(p: Posting): Promise<Stored> {
    const client = this.client();
    if (p.type === "verkoopboeking") {
      if (!p.body) throw new Error("internal: a sales booking without its body cannot be posted");
      return { id: (await client.createVerkoopboeking(p.body)).id, type: "verkoopboeking" };
    }
    const plan = this.planOf(p);
    return this.stored(p, await client.createVerkooporder(toVerkooporder(plan, p.relatieId, await this.articleIds(plan))));
  }

  private planOf(p: OrderPosting): SalesOrderPlan {
    if (!p.order) throw new Error("internal: a sales order without its plan cannot be posted");
    return p.order;
  }

  /** A sales order found or posted, with SnelStart's totals of it checked against CCV's. */
  private stored(p: OrderPosting, o: Verkooporder): Stored {
    return { id: o.id, type: "verkooporder", ...(p.order ? { warnings: checkVerkooporderTotals(p.order, o) } : {}) };
  }

  private async articleIds(plan: SalesOrderPlan): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const regel of plan.regels) {
      if (!ids.has(regel.artikelcode)) ids.set(regel.artikelcode, await this.articleId(regel, plan.articleGroups, plan.orderreferentie));
    }
    return ids;
  }

  /**
   * The SnelStart id of an article code, creating the article in its revenue group when missing;
   * ARTICLE_GROUP_UNKNOWN when the order does not tell the group (a product in a zero-rated sale).
   */
  private articleId(regel: VerkooporderRegelModel, groups: ArticleGroups, orderreferentie: string): Promise<string> {
    let pending = this.articles.get(regel.artikelcode);
    if (!pending) {
      pending = this.findOrCreateArticle(regel, groups, orderreferentie);
      this.articles.set(regel.artikelcode, pending);
      pending.catch(() => this.articles.delete(regel.artikelcode));
    }
    // Another order's lookup that could not create it (zero-rated): this line can, so it tries itself.
    return regel.vatCategory === null ? pending : pending.catch((err: unknown) => (err instanceof KoppelingError && err.code === "ARTICLE_GROUP_UNKNOWN" ? this.articleId(regel, groups, orderreferentie) : Promise.reject(err)));
  }

  private async findOrCreateArticle(regel: VerkooporderRegelModel, groups: ArticleGroups, orderreferentie: string): Promise<string> {
    const client = this.client();
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
  }
}

/**
 * What snelstart-invoice posts for vat-mapper's document: the sales order in sales-order mode (an
 * order only), else the sales booking; for a credit whose original the ledger does not know as
 * booked (`originalUnconfirmed`), also the original to look up first.
 */
export function postingOf(doc: MappedDocument, relatieId: string, ccv: { orderId: number | null; originalUnconfirmed?: boolean }): { posting: Posting; original?: { posting: Posting; factuurnummer: string } } {
  const plan = doc.kind === "invoice" ? doc.verkooporder : undefined;
  const posting: Posting = plan
    ? { type: "verkooporder", identity: { orderreferentie: plan.orderreferentie, omschrijving: plan.omschrijving }, relatieId, orderId: ccv.orderId, order: plan }
    : { type: "verkoopboeking", booking: doc, body: toVerkoopboeking(doc, relatieId) };
  if (!ccv.originalUnconfirmed || doc.kind !== "credit") return { posting };
  const factuurnummer = doc.originalFactuurnummer ?? "";
  const original: Posting = doc.originalVerkooporder
    ? { type: "verkooporder", identity: doc.originalVerkooporder, relatieId, orderId: ccv.orderId }
    : // The original as booked: this credit's amount, negated, under the original's number (a credit may be dated later).
      { type: "verkoopboeking", booking: { factuurnummer, factuurdatum: doc.factuurdatum, totalCents: -doc.totalCents } };
  return { posting, original: { posting: original, factuurnummer } };
}
