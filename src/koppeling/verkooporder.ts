/**
 * The verkooporder variant (docs/reference/snelstart-api.md#verkooporder-model): an order with
 * article lines, for shops that let SnelStart invoice (and keep stock). SnelStart computes the VAT
 * itself from each article's revenue group, so no VAT is sent; the lines carry the prices in the
 * shop's mode (`Inclusief` when the rows are gross).
 *
 * Built in two steps: `buildVerkooporder` names articles by CODE (the CCV `product_number`,
 * or the mapping's articles), so a node can find or create them; `toVerkooporder` takes the
 * code -> SnelStart id map and makes the POST /verkooporders body. `checkVerkooporderTotals`
 * compares the totals SnelStart computed for the posted order with CCV's.
 *
 * An article has one revenue group, so one VAT rate in SnelStart, whatever order it is used in:
 * the mapping's own articles (fallback, costs, discounts) get one code per VAT category, and a
 * product's category is only taken from a row whose rate is the product's (not from a sale
 * zero-rated for its customer).
 */
import { KoppelingError } from "../errors";
import type { VerkoopOrderCreate } from "../snelstart/schemas";
import { normaliseCustomer, truncate } from "./customer";
import { snelstartDate } from "./dates";
import { orderSource, rowValueMissing, unmappedRate, type OrderInput, type Source, type SourceRow } from "./input";
import { roundingRuleOf, type Mapping, type MappingContext } from "./mapping";
import { formatEuros, mulDivRound, rateToBasisPoints, timesCountCents, toCents, vatOfGross, vatOfNet } from "./money";
import { COMPONENT_LABEL, componentLabel, orderTotals, type Component } from "./totals";
import { categoryOf, nlSoort, ossRateCode, type VatCategory } from "./vat";

export interface VerkooporderRegelModel {
  artikelcode: string;
  omschrijving: string;
  /** Euros, incl. or excl. VAT per the order's `verkooporderBtwIngaveModel`. */
  stuksprijs: number;
  aantal: number;
  kortingsPercentage?: number;
  /**
   * The Dutch VAT category the article belongs in (to pick its revenue group when it is created);
   * null when the order does not tell: a product row of a sale zero-rated for its customer (ICP,
   * export), whose 0 % says nothing about the product's Dutch rate. Such an article is used when
   * it exists and never created.
   */
  vatCategory: VatCategory | null;
}

export interface VerkooporderModel {
  /** `yyyy-MM-ddT00:00:00`, the Amsterdam order date. */
  datum: string;
  verkooporderBtwIngaveModel: "Inclusief" | "Exclusief";
  /** The CCV order number (≤ 50, VOR-0011). */
  orderreferentie: string;
  omschrijving: string;
  regels: VerkooporderRegelModel[];
  /** CCV's `total_price` and `total_tax` in cents, which SnelStart's totals of the order are checked against. */
  totalCents: number;
  vatTotalCents: number;
  warnings: string[];
}

/**
 * The article's Dutch category for a rate: by the Dutch table; a destination OSS rate counts
 * as `hoog` when it is the standard rate (SR) and `laag` otherwise.
 */
function categoryFor(bp: number, src: Source, destination: string, mapping: Mapping, ctx: MappingContext): VatCategory {
  const soort = nlSoort(bp, src.vatDay, ctx.nlRates, (mapping.overigRates ?? []).map(rateToBasisPoints));
  if (soort) return categoryOf(soort);
  const code = ossRateCode(bp, destination, src.vatDay, ctx.ossRates);
  if (code) return code === "SR" ? "hoog" : "laag";
  throw unmappedRate(src, bp, `is neither a Dutch VAT rate on ${src.vatDay} nor a known OSS rate of ${destination}.`);
}

function missingArticle(src: Source, what: string, field: string): KoppelingError {
  return new KoppelingError("ARTICLE_NUMBER_MISSING", `${src.label}: ${what} has no article number, and the VAT mapping has no article for it (${field}).`, { order: src.ordernumberFull, what, field });
}

/** The mapping's article for a VAT category: its code for `hoog` (as before there were categories), with a suffix for the others. */
const CATEGORY_SUFFIX: Readonly<Record<VatCategory, string>> = { hoog: "", laag: "-L", overig: "-O", geen: "-G" };
const perCategory = (code: string, category: VatCategory) => code + CATEGORY_SUFFIX[category];

/** Euros from ten-thousandths of a euro. */
const euros4 = (units: number) => units / 10_000 + 0;

/** A row's unit price and discount percentage, so that aantal x stuksprijs x (1 - korting) is the row total to the cent. */
function rowPrice(r: SourceRow, warnings: string[], src: Source): Pick<VerkooporderRegelModel, "stuksprijs" | "aantal" | "kortingsPercentage"> {
  if (r.count === null) throw rowValueMissing(src.label, r, "count", "a sales-order line needs its quantity");
  if (r.price === null) throw rowValueMissing(src.label, r, "price", "a sales-order line needs its unit price");
  const price = r.price;
  const count = r.count === 0 ? 1 : r.count;
  const plain = timesCountCents(count, price - r.discount) === r.totalCents;
  if (plain && r.discount === 0) return { stuksprijs: price, aantal: count };
  if (plain && price > 0) {
    // Discount per unit as a percentage with 2 decimals; used only when it reproduces the total exactly.
    const korting = mulDivRound(Math.round(r.discount * 10_000), 10_000, Math.round(price * 10_000)) / 100;
    if (timesCountCents(count, (price * (100 - korting)) / 100) === r.totalCents) return { stuksprijs: price, aantal: count, kortingsPercentage: korting };
  }
  // Otherwise (an awkward percentage, attribute surcharges): the unit price the row total implies, to 1/10000 euro.
  const stuksprijs = euros4(mulDivRound(r.totalCents * 100, 1000, Math.round(count * 1000)));
  if (timesCountCents(count, stuksprijs) !== r.totalCents) {
    warnings.push(`${src.label}, row ${r.index}: ${count} x ${stuksprijs} does not give the row total exactly; SnelStart may differ by a cent.`);
  }
  return { stuksprijs, aantal: count };
}

/** A component's cents in the order's price mode (gross when `inclusive`). */
function inMode(c: Component, inclusive: boolean): number {
  if (c.gross === inclusive) return c.cents;
  return inclusive ? c.cents + vatOfNet(c.cents, c.rateBp) : c.cents - vatOfGross(c.cents, c.rateBp);
}

/** Why a sales order cannot take a rounding difference (the error names it; docs/design.md "Booking model"). */
const SALES_ORDER_NO_ROUNDING =
  "a sales order carries no VAT and no ledgers: SnelStart computes the VAT itself from each article's revenue group and books every line on its article's ledger, so neither CCV's total_tax nor a line on the rounding ledger can be sent";

/** A CCV order -> the verkooporder model with article codes. */
export function buildVerkooporder(input: OrderInput, mapping: Mapping, context: MappingContext = {}): VerkooporderModel {
  const src = orderSource(input);
  if (src.currency.toUpperCase() !== "EUR") {
    throw new KoppelingError("CURRENCY_UNSUPPORTED", `${src.label} is in ${src.currency}; only EUR orders are booked.`, { currency: src.currency });
  }
  const { destination } = normaliseCustomer(src.customer, src.userId, src.label);
  const rounding = roundingRuleOf(mapping);
  const totals = orderTotals(src, mapping.costsVat, rounding ? { maxCents: rounding.maxCents, unavailable: SALES_ORDER_NO_ROUNDING } : undefined);
  const inclusive = src.rowsGross;
  const articles = mapping.articles ?? {};
  const warnings = [...totals.warnings];
  const regels: VerkooporderRegelModel[] = [];
  const categories = new Map<number, VatCategory>();
  const category = (bp: number) => {
    let c = categories.get(bp);
    if (!c) categories.set(bp, (c = categoryFor(bp, src, destination, mapping, context)));
    return c;
  };
  // Zero-rated for the customer (ICP, export): a row's 0 % is not its product's Dutch rate.
  const zeroRatedAbroad = destination !== "NL" && totals.groups.every((g) => g.rateBp === 0);

  for (const r of src.rows) {
    if (r.totalCents === 0 && r.count === 0) continue;
    const name = r.name || r.productNumber || `row ${r.index}`;
    if (!r.productNumber && !articles.fallback) throw missingArticle(src, `row ${r.index} (${name})`, "articles.fallback");
    const cat = category(r.rateBp);
    const [artikelcode, vatCategory] = r.productNumber ? [r.productNumber, zeroRatedAbroad ? null : cat] : [perCategory(articles.fallback as string, cat), cat];
    regels.push({ artikelcode, omschrijving: truncate(name, 250), ...rowPrice(r, warnings, src), vatCategory });
  }
  // Order-level amounts, one line per kind and VAT rate, from the components the totals model made.
  const extra = new Map<string, { regel: VerkooporderRegelModel; cents: number }>();
  for (const g of totals.groups) {
    for (const c of g.components) {
      if (c.kind === "row") continue;
      const key = `${c.kind} ${c.rateBp}`;
      const seen = extra.get(key);
      if (seen) {
        seen.cents += inMode(c, inclusive);
        continue;
      }
      const cat = category(c.rateBp);
      const cost = c.kind === "shipping" || c.kind === "paymentCosts" || c.kind === "extraCosts" ? c.kind : undefined;
      const code = cost ? articles[cost] : articles.discount?.[cat];
      const artikelcode = code && cost ? perCategory(code, cat) : code;
      if (!artikelcode) throw missingArticle(src, `${COMPONENT_LABEL[c.kind].toLowerCase()} (${c.rateBp / 100} %)`, cost ? `articles.${cost}` : `articles.discount.${cat}`);
      extra.set(key, { regel: { artikelcode, omschrijving: truncate(componentLabel(c, src), 250), stuksprijs: 0, aantal: 1, vatCategory: cat }, cents: inMode(c, inclusive) });
    }
  }
  for (const { regel, cents } of extra.values()) if (cents !== 0) regels.push({ ...regel, stuksprijs: cents / 100 + 0 });
  return {
    datum: snelstartDate(src.day),
    verkooporderBtwIngaveModel: inclusive ? "Inclusief" : "Exclusief",
    ...identityOf(src),
    regels,
    totalCents: src.totalPriceCents,
    vatTotalCents: src.totalTaxCents,
    warnings,
  };
}

function identityOf(src: Pick<Source, "ordernumberFull">): { orderreferentie: string; omschrijving: string } {
  return { orderreferentie: truncate(src.ordernumberFull, 50), omschrijving: `CCV Shop order ${src.ordernumberFull}` };
}

/**
 * How the koppeling's sales order for a CCV order is recognised in SnelStart (with its relatie):
 * the reference and description it writes. Used to find one whose answer got lost.
 */
export function verkooporderIdentity(input: OrderInput): { orderreferentie: string; omschrijving: string } {
  return identityOf(orderSource(input));
}

/** The POST /verkooporders body; ARTICLE_NOT_FOUND when a code has no SnelStart article id. */
export function toVerkooporder(model: VerkooporderModel, relatieId: string, artikelIds: ReadonlyMap<string, string>): VerkoopOrderCreate {
  return {
    relatie: { id: relatieId },
    datum: model.datum,
    procesStatus: "Order",
    verkooporderBtwIngaveModel: model.verkooporderBtwIngaveModel,
    orderreferentie: model.orderreferentie,
    omschrijving: model.omschrijving,
    regels: model.regels.map((r) => {
      const id = artikelIds.get(r.artikelcode);
      if (!id) {
        throw new KoppelingError("ARTICLE_NOT_FOUND", `Article ${r.artikelcode} (${r.omschrijving}) does not exist in SnelStart; create it or map another article.`, { artikelcode: r.artikelcode });
      }
      return {
        artikel: { id },
        omschrijving: r.omschrijving,
        stuksprijs: r.stuksprijs,
        aantal: r.aantal,
        ...(r.kortingsPercentage === undefined ? {} : { kortingsPercentage: r.kortingsPercentage }),
      };
    }),
  };
}

/** The totals SnelStart answers a posted (or found) sales order with (docs/reference/snelstart-api.md#verkooporder-model: computed). */
export interface VerkooporderTotals {
  totaalExclusiefBtw?: number | null;
  totaalInclusiefBtw?: number | null;
}

/**
 * Warnings when the totals SnelStart computed for the sales order are not CCV's: its total more
 * than a cent from `total_price`, or its VAT more than a cent per line from `total_tax` (SnelStart
 * computes the VAT per line, from each article's revenue group, so rounding per line may differ
 * from CCV's per rate); also when SnelStart's answer has no totals to compare.
 */
export function checkVerkooporderTotals(model: VerkooporderModel, answer: VerkooporderTotals): string[] {
  const label = `Order ${model.orderreferentie}`;
  const ccv = `CCV's total_price is ${formatEuros(model.totalCents)} (VAT ${formatEuros(model.vatTotalCents)})`;
  const incl = answer.totaalInclusiefBtw;
  const excl = answer.totaalExclusiefBtw;
  if (typeof incl !== "number" || typeof excl !== "number") {
    return [`${label}: SnelStart's answer gives no totals for the sales order, so they could not be compared with CCV's; ${ccv}. Check the sales order in SnelStart.`];
  }
  const total = toCents(incl);
  const vat = total - toCents(excl);
  if (Math.abs(total - model.totalCents) <= 1 && Math.abs(vat - model.vatTotalCents) <= Math.max(1, model.regels.length)) return [];
  return [
    `${label}: SnelStart computes the sales order's total as ${formatEuros(total)} (VAT ${formatEuros(vat)}), but ${ccv}. SnelStart computes the VAT of each line itself, from its article's revenue group: check the articles' revenue groups (SnelStart may give an ICP or export sale the Dutch VAT of its articles), and correct the sales order before it is invoiced.`,
  ];
}
