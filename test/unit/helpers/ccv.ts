/**
 * Builders of CCV orders, rows and invoices (in the zod schemas' output form, as the CCV client
 * hands them over) and of mappings with fixed ledger ids, for the domain's unit tests.
 */
import type { CcvAddress, CcvInvoice, CcvInvoiceRow, CcvOrder, CcvOrderRow, CcvPersonalInfo } from "../../../src/ccv/schemas";
import { createMapping, type LedgerRef, type Mapping, type MappingInput } from "../../../src/koppeling";
import type { BtwSoort, VatRateCode } from "../../../src/snelstart/schemas";

const guid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function ledger(n: number, nummer: number, omschrijving: string, btwSoort: BtwSoort[], extra: Partial<LedgerRef> = {}): LedgerRef {
  return { id: guid(n), nummer, omschrijving, btwSoort, ...extra };
}

const oss = (n: number, code: VatRateCode) => ledger(n, 8400 + n, `Omzet OSS ${code}`, ["Geen"], { functie: "InstallatieTeleverkoopBinnenEUgeen", vatRateCode: code });

/** Every ledger a mapping can use; each allows exactly the VAT code it should receive. */
export const LEDGERS = {
  hoog: ledger(1, 8000, "Omzet hoog", ["Hoog"]),
  laag: ledger(2, 8010, "Omzet laag", ["Laag"]),
  overig: ledger(3, 8020, "Omzet overig", ["Overig"]),
  geen: ledger(4, 8030, "Omzet 0 %", ["Geen"]),
  shipping: ledger(5, 8050, "Verzendkosten", ["Hoog", "Laag", "Overig", "Geen"]),
  paymentCosts: ledger(6, 8060, "Betaalkosten", ["Hoog", "Laag", "Overig", "Geen"]),
  extraCosts: ledger(7, 8070, "Extra kosten", ["Hoog", "Laag", "Overig", "Geen"]),
  icp: ledger(8, 8100, "Omzet ICP", ["Geen"], { functie: "VerkopenExportBinnenEU" }),
  export: ledger(9, 8110, "Omzet export", ["Geen"], { functie: "VerkopenExportBuitenEU" }),
  ossSR: oss(11, "SR"),
  ossRRH: oss(12, "RRH"),
  ossRRL: oss(13, "RRL"),
  ossPR: oss(14, "PR"),
  ossSRR: oss(15, "SRR"),
  foreignVat: ledger(20, 1650, "Af te dragen buitenlandse btw", []),
  rounding: ledger(30, 4990, "Afrondingsverschillen", ["Geen"]),
} as const;

export const ALL_LEDGER_IDS: ReadonlySet<string> = new Set(Object.values(LEDGERS).map((l) => l.id));

/** A mapping with every ledger mapped (revenue, ICP, export, OSS) plus `over`. */
export function fullMapping(over: Partial<MappingInput> = {}): Mapping {
  return createMapping({
    revenue: { hoog: LEDGERS.hoog, laag: LEDGERS.laag, overig: LEDGERS.overig, geen: LEDGERS.geen },
    icp: LEDGERS.icp,
    export: LEDGERS.export,
    oss: {
      ledgers: { SR: LEDGERS.ossSR, RRH: LEDGERS.ossRRH, RRL: LEDGERS.ossRRL, PR: LEDGERS.ossPR, SRR: LEDGERS.ossSRR },
      foreignVat: LEDGERS.foreignVat,
    },
    ...over,
  });
}

export function address(over: Partial<CcvAddress> = {}): CcvAddress {
  return {
    gender: null,
    initials: "J.",
    first_name: "Jan",
    last_name: "Jansen",
    full_name: "Jan Jansen",
    company: "",
    address_line_1: "Voorbeeldstraat 3",
    address_line_2: "",
    street: "Voorbeeldstraat",
    housenumber: "3",
    housenumber_suffix: "",
    zipcode: "1234ab",
    city: "Amsterdam",
    province: "",
    country: "Nederland",
    country_code: "NL",
    telephone: "0201234567",
    mobile: "",
    fax: "",
    comment: "",
    ...over,
  };
}

/** An empty delivery address, as CCV sends it when it equals the billing address. */
export function emptyAddress(): CcvAddress {
  return address({ initials: "", first_name: "", last_name: "", full_name: "", address_line_1: "", street: "", housenumber: null, zipcode: "", city: "", country: "", country_code: null, telephone: "" });
}

export function customer(over: Partial<CcvPersonalInfo> = {}): CcvPersonalInfo {
  return { billingaddress: address(), deliveryaddress: emptyAddress(), email: "jan@example.nl", customertype: "b2c", btw: "", kvk: "", reference: "", ...over };
}

/** A consumer in another country (billing and delivery there). */
export function customerIn(country: string, over: Partial<CcvPersonalInfo> = {}): CcvPersonalInfo {
  return customer({ billingaddress: address({ country_code: country, country: country, zipcode: "10115", city: "Berlin" }), ...over });
}

export function order(over: Partial<CcvOrder> = {}): CcvOrder {
  return {
    id: 339323562,
    ordernumber: 10330,
    ordernumber_full: "10330",
    invoicenumber: null,
    create_date: "2023-05-01T10:00:00Z",
    status: 7,
    is_completed: true,
    paid: true,
    paymethod_id: 3,
    paymethod: "BankTransfer",
    paymethod_label: "Vooraf overmaken",
    taxes_included: true,
    order_row_taxes_included: true,
    shipping_taxes_included: true,
    shipping_tax_percentage: 21,
    is_intra_community_order: false,
    total_orderrow_price: 0,
    total_shipping: 0,
    total_discounts: 0,
    total_price: 0,
    total_tax: 0,
    currency: "EUR",
    paymethod_costs: 0,
    credit_point_discount: 0,
    extra_costs: 0,
    extra_costs_description: "",
    user: { id: 24464274 },
    discountcoupon: null,
    customer: customer(),
    ...over,
  };
}

let nextRowId = 1000;

/** A row: count x (price - discount) = total_price unless given. */
/** An order row with every amount filled in (CCV may send them null; these helpers never do). */
export type FullRow = CcvOrderRow & { count: number; price: number; total_price: number; tax: number };

export function row(price: number, tax: number, over: Partial<FullRow> = {}): FullRow {
  const count = over.count ?? 1;
  const discount = over.discount ?? 0;
  return {
    id: nextRowId++,
    product_type: "product",
    product_id: 1,
    product_name: `Product ${tax}%`,
    product_number: `SKU-${tax}`,
    sub_product_number: "",
    count,
    price,
    discount,
    total_price: Math.round(count * (price - discount) * 100) / 100,
    tax,
    unit: "stuk",
    ...over,
  };
}

export function creditInvoice(over: Partial<CcvInvoice> = {}): CcvInvoice {
  return {
    id: 777,
    invoicenumber: 57,
    invoicenumber_full: "57",
    ordernumber: 10330,
    ordernumber_full: "10330",
    create_date: "2023-06-01T10:00:00Z",
    type: "credit",
    status: "reimbursed",
    taxes_included: true,
    invoice_row_taxes_included: true,
    shipping_taxes_included: true,
    shipping_tax_percentage: 21,
    is_intra_community_order: false,
    total_shipping: 0,
    total_discounts: 0,
    total_price: 0,
    total_tax: 0,
    currency: "EUR",
    paymethod_costs: 0,
    credit_point_discount: 0,
    extra_costs: 0,
    extra_costs_description: "",
    user: { id: 24464274 },
    customer: customer(),
    order: { href: "https://shop.ccvshop.nl/api/rest/v1/orders/339323562/" },
    ...over,
  };
}

export function invoiceRow(price: number, tax: number, over: Partial<CcvInvoiceRow> = {}): CcvInvoiceRow {
  return { ...row(price, tax), ...over };
}

/** The NL example of docs/reference/snelstart-api.md#nl-example: product 121.00 incl. 21 %, shipping 6.05 incl. 21 %, book 10.90 incl. 9 %. */
export function nlExample(over: Partial<CcvOrder> = {}): { order: CcvOrder; rows: CcvOrderRow[] } {
  return {
    order: order({ total_shipping: 6.05, total_orderrow_price: 131.9, total_price: 137.95, total_tax: 22.95, ...over }),
    rows: [row(121, 21, { product_name: "Product" }), row(10.9, 9, { product_name: "Boek" })],
  };
}
