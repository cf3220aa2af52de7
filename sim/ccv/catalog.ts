/**
 * Reference data of the simulated Dutch web shop: products, countries with their VAT rates,
 * payment methods, shipping prices and status names. Prices in integer cents.
 */

/**
 * A product's tax class. CCV's real `taxtariff` values besides `normal` are UNCERTAIN
 * (docs/reference/ccvshop-api.md#products-and-tax-classes); `reduced` and `intermediate` are our
 * names for the two lower classes.
 */
export type TaxTariff = "normal" | "reduced" | "intermediate";

export interface CatalogProduct {
  id: number;
  /** `""` for a product without article number (as in the verbatim row sample). */
  productnumber: string;
  name: string;
  /** Consumer price in the Netherlands, incl. 21 % / 9 % VAT. */
  priceNlGross: number;
  tariff: TaxTariff;
  unit: string;
  /** Fractional quantities are sold (per kg, per metre). */
  fractional: boolean;
  weightKg: number;
  purchasePriceNet: number;
}

const P = (id: number, productnumber: string, name: string, priceNlGross: number, tariff: TaxTariff, unit = "stuk", weightKg = 0.5, fractional = false): CatalogProduct => ({
  id,
  productnumber,
  name,
  priceNlGross,
  tariff,
  unit,
  fractional,
  weightKg,
  purchasePriceNet: Math.round(priceNlGross * 0.45),
});

export const CATALOG: readonly CatalogProduct[] = [
  P(845754960, "TP-1200", "Theepot gietijzer 1,2 l", 3495, "normal", "stuk", 1.4),
  P(845754961, "KM-010", "Koffiemolen handmatig", 4950, "normal", "stuk", 0.9),
  P(845754962, "EK-004", "Espressokopjes set van 4", 2195, "normal", "set", 0.6),
  P(845754963, "TD-DB", "Linnen theedoek 'Delfts blauw'", 895, "normal", "stuk", 0.1),
  P(845754964, "KA-WA", 'Geurkaars "Winteravond" 🕯️', 1250, "normal", "stuk", 0.4),
  P(845754965, "SP-BAM", "Bamboe snijplank", 1995, "normal", "stuk", 0.8),
  P(845754966, "PL-AG", "Wollen plaid Ångström grijs", 7995, "normal", "stuk", 1.2),
  P(845754967, "OZ-6", "Onderzetters kurk (6 st.)", 650, "normal", "set", 0.1),
  P(845754968, "TF-05", "Thermosfles RVS 0,5 l", 2450, "normal", "stuk", 0.4),
  P(845754969, "", "Verrassingspakket", 2500, "normal", "stuk", 1.0),
  P(845754970, "TZ-M", "Tafelzeil per meter", 1299, "normal", "meter", 0.3, true),
  P(845754980, "KB-1000", "Koffiebonen Espresso Roma 1 kg", 1895, "reduced", "zak", 1.0),
  P(845754981, "LT-EG", "Losse thee Earl Grey 100 g", 695, "reduced", "blik", 0.15),
  P(845754982, "CH-72", "Chocoladereep puur 72%", 349, "reduced", "stuk", 0.1),
  P(845754983, "BK-ZK", "Kookboek 'Zoë's keuken'", 2999, "reduced", "stuk", 0.9),
  P(845754984, "SW-10", "Stroopwafels (10 st.)", 399, "reduced", "pak", 0.3),
  P(845754985, "KA-OUD", "Oude kaas per kg", 1890, "reduced", "kg", 1.0, true),
  P(845754986, "HO-450", "Honing \"Bij Müller\" 450 g", 795, "reduced", "pot", 0.5),
  P(845754990, "PL-MON", "Monstera deliciosa (potmaat 17)", 2495, "intermediate", "stuk", 2.5),
  P(845754991, "BQ-TUL", "Boeket tulpen 🌷", 1495, "intermediate", "bos", 0.6),
];

/** Free-text rows: no product behind them (`product_id` null, `product_number` ""). */
export const FREE_TEXT_ROWS: ReadonlyArray<{ name: string; priceNlGross: number; tariff: TaxTariff }> = [
  { name: "Gravure: tekst naar keuze", priceNlGross: 500, tariff: "normal" },
  { name: "Handgeschreven kaartje ✍️", priceNlGross: 250, tariff: "normal" },
];

export interface Country {
  code: string;
  /** Country name as a Dutch shop shows it. */
  name: string;
  eu: boolean;
  /** VAT rate per tax class for consumers shipped to this country (OSS destination rates). */
  rates: Record<TaxTariff, number>;
}

const country = (code: string, name: string, eu: boolean, normal: number, reduced: number, intermediate: number): Country => ({
  code,
  name,
  eu,
  rates: { normal, reduced, intermediate },
});

export const COUNTRIES: Readonly<Record<string, Country>> = {
  NL: country("NL", "Nederland", true, 21, 9, 9),
  DE: country("DE", "Duitsland", true, 19, 7, 7),
  BE: country("BE", "België", true, 21, 6, 12),
  FR: country("FR", "Frankrijk", true, 20, 5.5, 10),
  AT: country("AT", "Oostenrijk", true, 20, 10, 13),
  IT: country("IT", "Italië", true, 22, 10, 5),
  ES: country("ES", "Spanje", true, 21, 10, 4),
  US: country("US", "Verenigde Staten", false, 0, 0, 0),
  CH: country("CH", "Zwitserland", false, 0, 0, 0),
  GB: country("GB", "Verenigd Koninkrijk", false, 0, 0, 0),
};

export const NL_RATES = COUNTRIES.NL.rates;

export interface Paymethod {
  id: number;
  paymethod: string;
  label: string;
  /** Payment surcharge in cents (gross or net per the order's shipping mode). */
  costs: number;
}

export const PAYMETHODS: Readonly<Record<string, Paymethod>> = {
  ideal: { id: 1, paymethod: "Ideal", label: "iDEAL", costs: 0 },
  banktransfer: { id: 3, paymethod: "BankTransfer", label: "Vooraf overmaken", costs: 0 },
  paypal: { id: 5, paymethod: "PayPal", label: "PayPal", costs: 50 },
  bancontact: { id: 7, paymethod: "Bancontact", label: "Bancontact", costs: 0 },
  creditcard: { id: 9, paymethod: "CreditCard", label: "Creditcard", costs: 0 },
  klarna: { id: 11, paymethod: "Klarna", label: "Achteraf betalen met Klarna", costs: 150 },
  onaccount: { id: 13, paymethod: "OnAccount", label: "Op rekening", costs: 0 },
  cash: { id: 15, paymethod: "Cash", label: "Contant bij afhalen", costs: 0 },
};

/** Merchant-visible names of the order statuses (docs/reference/ccvshop-api.md#order-status-codes), as a Dutch shop shows them. */
export const ORDER_STATUS_NAMES: Readonly<Record<number, string>> = {
  1: "Nieuw",
  2: "In behandeling",
  3: "Wacht op fabrikant",
  4: "Wacht op betaling",
  5: "Verzonden",
  6: "Afgeleverd",
  7: "Afgerond",
  8: "Geannuleerd",
  9: "Wacht op leverancier",
  10: "Wordt ingepakt",
  11: "Klaar om af te halen",
  12: "Wordt geassembleerd",
  13: "Backorder",
  14: "Gereserveerd",
};

export const INVOICE_STATUS_NAMES = { paid: "Betaald", unpaid: "Niet betaald", reimbursed: "Terugbetaald" } as const;

export interface Coupon {
  code: string;
  type: "percentage" | "price";
  /** Percentage, or an amount in cents. */
  value: number;
  minimumCents: number;
  freeShipping: boolean;
}

export const COUPONS: readonly Coupon[] = [
  { code: "WELKOM10", type: "percentage", value: 10, minimumCents: 0, freeShipping: false },
  { code: "VIP15", type: "percentage", value: 15, minimumCents: 5000, freeShipping: false },
  { code: "ZOMER5", type: "price", value: 500, minimumCents: 2500, freeShipping: false },
  { code: "GRATISVERZENDEN", type: "price", value: 0, minimumCents: 0, freeShipping: true },
];

export const WEBSHOP = { id: 140983, name: "Koffie & Thee 't Hoekje" } as const;
