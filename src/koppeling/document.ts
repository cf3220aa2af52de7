/**
 * One CCV document on its way through the koppeling (an order, the cancellation of a booked
 * order, or a CCV credit invoice), as the flow nodes see it: read once (`documentOf`), its
 * customer decided before it is mapped (`documentCustomer`, for snelstart-debtor), then mapped
 * once (`mapDocument`, for vat-mapper) into what snelstart-invoice posts: the booking, and in
 * sales-order mode the sales order instead. Pure, like the rest of the domain.
 */
import { KoppelingError } from "../errors";
import { type Booking, bookingCustomer, mapCancellation, mapCreditInvoice, mapOrder } from "./booking";
import type { BookingCustomer } from "./customer";
import { type CreditInvoiceInput, type OrderInput, type Source, creditInvoiceSource, orderSource } from "./input";
import type { Mapping, MappingContext } from "./mapping";
import type { VatCategory } from "./vat";
import { type VerkooporderModel, buildVerkooporder, verkooporderIdentity } from "./verkooporder";

export type DocumentKind = "order" | "cancellation" | "credit-invoice";

/** What SnelStart gets for an order: a sales booking (default) or a sales order (concept invoice). Credit notes are always bookings. */
export type BookingMode = "verkoopboeking" | "verkooporder";

/** A CCV document as ccv-orders-in sends it (`msg.payload`), with what `msg.ccv` tells of it. */
export interface CcvDocument {
  kind: DocumentKind;
  /** The CCV order (kinds `order` and `cancellation`). */
  order?: unknown;
  /** The CCV credit invoice (kind `credit-invoice`). */
  invoice?: unknown;
  rows: unknown[];
  /** The invoice number the original got in SnelStart (cancellations and credit invoices). */
  originalFactuurnummer?: string;
  /** A cancellation of an order the sync ledger does not know as booked (snelstart-invoice checks SnelStart first). */
  originalUnconfirmed?: boolean;
  /** A credit invoice: its order's `create_date` (input.ts CreditInvoiceInput). */
  originalCreated?: string;
}

/** Article revenue groups (SnelStart ids) per VAT category, for the articles a sales order creates. */
export type ArticleGroups = Partial<Record<VatCategory, string>>;

/** A sales order as snelstart-invoice posts it: the model with article codes, and the groups to create missing articles in. */
export interface SalesOrderPlan extends VerkooporderModel {
  articleGroups: ArticleGroups;
}

/** How the koppeling's sales order for a CCV order is recognised in SnelStart (with its relatie). */
export interface SalesOrderIdentity {
  orderreferentie: string;
  omschrijving: string;
}

/** vat-mapper's `msg.payload`: the booking, and what sales-order mode posts instead or looks up. */
export type MappedDocument = Booking & {
  /** Sales-order mode, an order: the sales order snelstart-invoice posts instead of the booking. */
  verkooporder?: SalesOrderPlan;
  /** Sales-order mode, a cancellation: how the original sales order is found (when the ledger does not know it as booked). */
  originalVerkooporder?: SalesOrderIdentity;
};

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/**
 * The document in `payload` (`{order, rows}` or `{invoice, rows}`), its kind from `meta` (else
 * from the payload); ORDER_INVALID when the payload is something else, naming the most likely
 * cause (a booking model: the flow is wired in the order of version 0.1).
 */
export function documentOf(payload: unknown, meta: { kind?: DocumentKind; originalFactuurnummer?: string; originalUnconfirmed?: boolean; originalCreated?: string } = {}): CcvDocument {
  const p = isRecord(payload) ? payload : null;
  if (!p || (!p.order && !p.invoice) || !Array.isArray(p.rows)) {
    const booking = p && typeof p.factuurnummer === "string" && Array.isArray(p.lines);
    throw new KoppelingError(
      "ORDER_INVALID",
      booking
        ? "msg.payload is a booking model, not a CCV document: snelstart-debtor now comes before vat-mapper (ccv-orders-in → snelstart-debtor → vat-mapper → snelstart-invoice; in version 0.1 it came after); rewire the flow as the README says (Upgrading from 0.1)."
        : "msg.payload must be {order, rows} or {invoice, rows} as ccv-orders-in sends it",
    );
  }
  return {
    kind: meta.kind ?? (p.invoice ? "credit-invoice" : "order"),
    ...(p.invoice ? { invoice: p.invoice } : { order: p.order }),
    rows: p.rows as unknown[],
    ...(meta.originalFactuurnummer === undefined ? {} : { originalFactuurnummer: meta.originalFactuurnummer }),
    ...(meta.originalUnconfirmed ? { originalUnconfirmed: true } : {}),
    ...(meta.originalCreated === undefined ? {} : { originalCreated: meta.originalCreated }),
  };
}

function orderInput(doc: CcvDocument): OrderInput {
  return { order: doc.order, rows: doc.rows } as OrderInput;
}

function creditInput(doc: CcvDocument): CreditInvoiceInput {
  return { invoice: doc.invoice, rows: doc.rows, originalFactuurnummer: doc.originalFactuurnummer, originalCreated: doc.originalCreated } as CreditInvoiceInput;
}

/** The validated, normalised document; ORDER_INVALID (naming the field) when it cannot be read. */
export function sourceOf(doc: CcvDocument): Source {
  return doc.kind === "credit-invoice" ? creditInvoiceSource(creditInput(doc)) : orderSource(orderInput(doc));
}

/**
 * The customer the document's booking will name, and whether it is an OSS sale: what
 * snelstart-debtor finds or creates in SnelStart before the document is mapped. The whole
 * document is read here, so one that cannot be booked for what it holds (a row without its VAT
 * rate) fails before a debtor is made for it.
 */
export function documentCustomer(doc: CcvDocument, mapping: Mapping): { customer: BookingCustomer; oss: boolean } {
  return bookingCustomer(sourceOf(doc), mapping);
}

export interface MapOptions {
  mode: BookingMode;
  /** For sales-order mode: the groups missing articles are created in. */
  articleGroups?: ArticleGroups;
  /**
   * Whether the customer's relatie in SnelStart carries its VAT number (snelstart-debtor's
   * verdict); false books an intra-community supply without ICP. Absent: as if it does.
   */
  relatieHasVatNumber?: boolean;
}

/**
 * The document mapped once: an order to its booking (and in sales-order mode also its sales
 * order, which is what gets posted), a cancellation or a credit invoice to its credit note.
 * Throws the domain's KoppelingError (VAT_UNMAPPED_RATE, ORIGINAL_INVOICE_MISSING, …).
 */
export function mapDocument(doc: CcvDocument, mapping: Mapping, context: MappingContext, opts: MapOptions): MappedDocument {
  const ctx: MappingContext = opts.relatieHasVatNumber === false ? { ...context, icpAllowed: false } : context;
  if (doc.kind === "credit-invoice") return mapCreditInvoice(creditInput(doc), mapping, ctx);
  const input = orderInput(doc);
  if (doc.kind === "cancellation") {
    if (!doc.originalFactuurnummer && !doc.originalUnconfirmed) throw new KoppelingError("ORIGINAL_INVOICE_MISSING", "A cancellation needs msg.ccv.originalFactuurnummer");
    const credit: MappedDocument = mapCancellation(input, doc.originalFactuurnummer, mapping, ctx);
    if (opts.mode === "verkooporder") credit.originalVerkooporder = verkooporderIdentity(input);
    return credit;
  }
  const booking: MappedDocument = mapOrder(input, mapping, ctx);
  if (opts.mode === "verkooporder") booking.verkooporder = { ...buildVerkooporder(input, mapping, context), articleGroups: opts.articleGroups ?? {} };
  return booking;
}
