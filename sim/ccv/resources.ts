/**
 * The simulator's resources as the API serves them: orders and invoices without inline rows
 * (`orderrows: {href}`, docs/reference/ccvshop-api.md#order-fields), users and products derived
 * from the orders, the webshop and its settings, and the collection envelope of every list
 * (docs/reference/ccvshop-api.md#collections-and-paging: absolute links, no total).
 */
import type { SimRequest } from "../http";
import { CATALOG, COUNTRIES, INVOICE_STATUS_NAMES, NL_RATES, ORDER_STATUS_NAMES, PAYMETHODS, WEBSHOP } from "./catalog";
import { euros } from "./money";
import { pagingParams } from "./query";
import { shapePageLink, type Shape } from "./shapes";
import type { CcvInvoiceJson, CcvOrderJson, CcvPersonalInfoJson, SimInvoice, SimOrder } from "./types";

export function apiOrder(o: SimOrder): CcvOrderJson {
  return { ...o, orderrows: { href: `${o.href}orderrows/` } };
}

export function apiInvoice(i: SimInvoice): CcvInvoiceJson {
  return { ...i, invoicerows: { href: `${i.href}invoicerows/` } };
}

export interface Envelope<T> {
  start: number;
  size: number;
  href: string;
  first: string;
  previous: string | null;
  next: string | null;
  items: T[];
}

/**
 * One page of `items`, each served through `serve`; links keep the request's own query and
 * replace `start`/`size` (in the `real` shape without the trailing slash of the path).
 */
export function page<T, U = T>(items: readonly T[], req: SimRequest, origin: string, serve: (x: T) => U = (x) => x as unknown as U, shape: Shape = "strict"): Envelope<U> {
  const { start, size } = pagingParams(req.query);
  const link = (s: number) => {
    const q = new URLSearchParams(req.query);
    q.set("start", String(s));
    q.set("size", String(size));
    return shapePageLink(`${origin}${req.path}?${q.toString()}`, shape) as string;
  };
  return {
    start,
    size,
    href: `${origin}${req.rawUrl}`,
    first: link(0),
    previous: start > 0 ? link(Math.max(0, start - size)) : null,
    next: start + size < items.length ? link(start + size) : null,
    items: items.slice(start, start + size).map(serve),
  };
}

/** The user id of an order as a number (CCV sends numbers or numeric strings), or null. */
export function userIdOf(o: SimOrder): number | null {
  const id = o.user?.id;
  return id === null || id === undefined || id === "" ? null : Number(id);
}

/** A `users/{id}/` resource from the account's latest order (docs/reference/ccvshop-api.md#users). */
export function userFromOrders(orders: readonly SimOrder[], id: number, api: string) {
  const mine = orders.filter((o) => userIdOf(o) === id);
  if (mine.length === 0) return null;
  const latest = mine.reduce((a, b) => (Date.parse(b.create_date) >= Date.parse(a.create_date) ? b : a));
  const info: CcvPersonalInfoJson = latest.customer;
  const href = `${api}users/${id}/`;
  return {
    href,
    id,
    username: info.email,
    group_id: null,
    status: true,
    approval_status: "accepted",
    product_in_category_discount: false,
    userinfo: info,
    creditpoints: { href: `${href}creditpoints/` },
    creditpointmutations: { href: `${href}creditpointmutations/` },
    disabledpaymethods: { href: `${href}disabledpaymethods/` },
  };
}

export interface SimProduct {
  href: string;
  id: number;
  is_active: boolean;
  createdate: string;
  modifydate: string;
  productnumber: string;
  eannumber: string;
  mpnnumber: string;
  name: string;
  shortdescription: string;
  description: string;
  price: number;
  discount: number;
  purchaseprice: number;
  taxtariff: string;
  vatrate: number;
  container_deposit_price: number;
  safety_deposit_price: number;
  unit: string;
  stock: number;
  stockenabled: boolean;
  weight: number;
}

/** Products behind the order rows (rows without `product_id` are free text and have none). */
export function productsFromOrders(orders: readonly SimOrder[], api: string): SimProduct[] {
  const byId = new Map<number, SimProduct>();
  for (const o of orders) {
    for (const r of o.orderrows) {
      if (r.product_id === null || r.product_id === undefined || byId.has(Number(r.product_id))) continue;
      const id = Number(r.product_id);
      const known = CATALOG.find((p) => p.id === id);
      byId.set(id, {
        href: `${api}products/${id}/`,
        id,
        is_active: true,
        createdate: "2023-03-01T09:00:00Z",
        modifydate: "2024-06-01T09:00:00Z",
        productnumber: r.product_number ?? "",
        eannumber: "",
        mpnnumber: "",
        name: r.product_name ?? "",
        shortdescription: "",
        description: "",
        price: known ? euros(known.priceNlGross) : r.price,
        discount: 0,
        purchaseprice: known ? euros(known.purchasePriceNet) : r.product_purchase_price ?? 0,
        taxtariff: known?.tariff ?? "normal",
        vatrate: known ? NL_RATES[known.tariff] : r.tax,
        container_deposit_price: 0,
        safety_deposit_price: 0,
        unit: r.unit ?? "stuk",
        stock: 25,
        stockenabled: true,
        weight: r.weight ?? 0,
      });
    }
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

/** `GET paymethods/` (docs/reference/ccvshop-api.md#payment-methods): the shop's payment methods. */
export function paymethods(api: string) {
  return Object.values(PAYMETHODS).map((p) => ({
    href: `${api}paymethods/${p.id}/`,
    id: p.id,
    psp: "ccv",
    method: p.paymethod,
    combined_name: p.paymethod,
    label: p.label,
    extra_costs: euros(p.costs),
    extra_costs_fixed: euros(p.costs),
    extra_costs_percentage: 0,
    apppsp: null,
    apppsppaymethod: null,
  }));
}

export function webshop(api: string, origin: string) {
  return { href: `${api}webshops/${WEBSHOP.id}/`, id: WEBSHOP.id, name: WEBSHOP.name, is_multishop_system: false, api_root: origin };
}

export function webshopSettings(api: string) {
  const statusList = (names: Readonly<Record<string | number, string>>) =>
    Object.entries(names).map(([status, name], i) => ({ id: i + 1, status: Number.isNaN(Number(status)) ? status : Number(status), status_name: name, text_color: "#000000", background_color: "#ffffff" }));
  return {
    href: `${api}webshops/${WEBSHOP.id}/settings/`,
    currency: "EUR",
    default_vat_rat: COUNTRIES.NL.rates.normal,
    prices_include_vat: true,
    languages: ["nl", "en", "de", "fr"],
    order_status: statusList(ORDER_STATUS_NAMES),
    invoice_status: statusList(INVOICE_STATUS_NAMES),
    return_status: [],
  };
}
