/**
 * The two filtered lists: `GET orders/` (docs/reference/ccvshop-api.md#order-list-filters) and
 * `GET invoices/` (docs/reference/ccvshop-api.md#invoices). Parameter parsing and its UNCERTAIN
 * choices live in ./query.
 */
import type { SimRequest, SimResponse } from "../http";
import { boolParam, dateParam, intParam, sortBy } from "./query";
import { apiInvoice, apiOrder, page } from "./resources";
import { shapeInvoice, shapeOrder, shapeRow, type Shape } from "./shapes";
import { BadInput } from "./responses";
import type { CcvSimState } from "./state";
import type { SimInvoice, SimOrder } from "./types";

const parsed = new WeakMap<object, { date: string; ms: number }>();

/** `Date.parse` of a document's `create_date`, remembered per document: every page of a list reads the dates of the whole shop. */
function createdMs(x: { create_date: string }): number {
  const known = parsed.get(x);
  if (known && known.date === x.create_date) return known.ms;
  const ms = Date.parse(x.create_date);
  parsed.set(x, { date: x.create_date, ms });
  return ms;
}

/** `min_create_date` / `max_create_date` as a predicate (both inclusive). */
function createdWithin(q: URLSearchParams): (x: { create_date: string }) => boolean {
  const min = dateParam(q, "min_create_date", false) ?? Number.NEGATIVE_INFINITY;
  const max = dateParam(q, "max_create_date", true) ?? Number.POSITIVE_INFINITY;
  return (x) => {
    const t = createdMs(x);
    return t >= min && t <= max;
  };
}

export function listOrders(state: CcvSimState, req: SimRequest): SimResponse {
  const q = req.query;
  const status = intParam(q, "status", 1, 14);
  const isPaid = boolParam(q, "is_paid");
  const completed = boolParam(q, "is_completed") ?? true; // CCV: "Default: true"
  const ordernumber = intParam(q, "ordernumber");
  const created = createdWithin(q);
  const items = sortBy(
    state.orders.filter((o) => (o.is_completed !== false) === completed && (status === undefined || o.status === status) && (isPaid === undefined || o.paid === isPaid) && (ordernumber === undefined || o.ordernumber === ordernumber) && created(o)),
    q,
    { id: (o) => o.id, ordernumber: (o) => o.ordernumber, create_date: createdMs },
  );
  return { status: 200, body: page(items, req, state.origin, (o) => serveOrder(state, o), listShape(state, req)) };
}

export function listInvoices(state: CcvSimState, req: SimRequest): SimResponse {
  const q = req.query;
  const ordernumber = intParam(q, "ordernumber");
  const invoicenumber = intParam(q, "invoicenumber");
  const status = q.get("status");
  if (status !== null && !["paid", "unpaid", "reimbursed"].includes(status)) throw new BadInput("status must be paid, unpaid or reimbursed");
  const created = createdWithin(q);
  const items = sortBy(
    state.invoices.filter((i) => (ordernumber === undefined || i.ordernumber === ordernumber) && (invoicenumber === undefined || i.invoicenumber === invoicenumber) && (status === null || i.status === status) && created(i)),
    q,
    { id: (i) => i.id, invoicenumber: (i) => i.invoicenumber, ordernumber: (i) => i.ordernumber, create_date: createdMs, total_price: (i) => i.total_price },
  );
  return { status: 200, body: page(items, req, state.origin, (i) => serveInvoice(state, i), listShape(state, req)) };
}

/** An order as the API serves it, in its shape. */
export function serveOrder(state: CcvSimState, o: SimOrder): Record<string, unknown> {
  return shapeOrder(apiOrder(o), state.shape(o.id));
}

export function serveInvoice(state: CcvSimState, i: SimInvoice): Record<string, unknown> {
  return shapeInvoice(apiInvoice(i), state.shape(i.id));
}

/** A row in the shape of the document it belongs to. */
export function serveRow(state: CcvSimState, ownerId: number, row: object): Record<string, unknown> {
  return shapeRow(row as Record<string, unknown>, state.shape(ownerId));
}

/** The shape of a page's links: by the page's start, so both forms are met while paging. */
function listShape(state: CcvSimState, req: SimRequest): Shape {
  return state.shape(Number(req.query.get("start") ?? 0));
}
