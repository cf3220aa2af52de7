/**
 * The work of the reconciliation ("controle", node `ccv-snelstart-reconcile` and its admin
 * routes), without Node-RED: for a period, what CCV Shop says was due against the verkoopfacturen
 * SnelStart holds.
 *
 * 1. CCV: the orders created in the period (one listing, a day wider on each side, sorted into
 *    days by ../koppeling/reconcile-shop.ts) and, when credit notes are booked, the invoices
 *    created in it; the orders the period's credit invoices credit that were not listed, one by
 *    one (their invoice number is the original the credit note names).
 * 2. SnelStart: the verkoopfacturen dated in the period (paged).
 * 3. The cancelled orders whose invoice SnelStart holds without a credit note in the period:
 *    their CCV credit invoices of any date (one listing per order).
 * 4. Every number the shop expects that the period's list lacks, looked up by itself (a credit
 *    note dated in another month is not missing), then ../koppeling/reconcile.ts compares.
 *
 * Two requests for the same period while one runs share it. Sales-order mode is refused
 * (RECONCILE_VERKOOPORDER): a verkooporder is not a verkoopfactuur until someone invoices it in
 * SnelStart, and then under SnelStart's own number.
 */
import type { CcvClient } from "../ccv/client";
import { KoppelingError } from "../errors";
import { type DueSettings, dueSettings, effectiveStart } from "../koppeling/due";
import { creditNumber, followsNumbering } from "../koppeling/invoice-number";
import type { Mapping } from "../koppeling/mapping";
import { toCents } from "../koppeling/money";
import { type HeldInvoice, type Reconciliation, type ShopCancellation, cancellationsToCheck, lookupsNeeded, reconcile, sortedLines } from "../koppeling/reconcile";
import { type Period, ShopSide, listingBounds, periodLabel } from "../koppeling/reconcile-shop";
import type { SnelStartClient } from "../snelstart/client";
import type { Verkoopfactuur } from "../snelstart/schemas";

/** What a reconciliation reads, and from where. */
export interface ReconcileSources {
  ccv(): Pick<CcvClient, "orders" | "invoices" | "readOrder">;
  snelstart(): Pick<SnelStartClient, "verkoopfacturenBetween" | "findVerkoopfactuur">;
  /** The VAT mapping (its invoice-number rule). */
  mapping(): Promise<Mapping>;
  /** What is due: the settings of the shop's ccv-orders-in (see `shopDueSettings`). */
  settings(): DueSettings;
  /** The first run of the shop's koppeling (its sync ledger), for a start without historical import; null before the first run. */
  firstRunAt(): Promise<string | null>;
  /** Whether the administration is booked in sales-order mode. */
  verkooporderMode(): boolean;
  now?(): Date;
  /** Hears what it is doing, for a status: reading CCV Shop, reading SnelStart, looking up `count` invoice numbers. */
  progress?(step: "readingCcv" | "readingSnelStart" | "lookingUp", count?: number): void;
}

/** A reconciliation as the node sends it and the admin route answers it: the lines that need a person first, as in the CSV. */
export interface ReconciliationReport extends Reconciliation {
  period: Period & { label: string };
  /** When it was made (ISO). */
  at: string;
}

/** Lookups by number at a time (each takes a slot of the administration's throttle). */
const LOOKUP_CONCURRENCY = 4;

function heldOf(f: Verkoopfactuur): HeldInvoice {
  return {
    factuurnummer: f.factuurnummer,
    amountCents: toCents(f.factuurBedrag ?? 0),
    snelstartId: f.verkoopBoeking?.id ?? f.id,
    ...(f.factuurDatum ? { factuurdatum: f.factuurDatum.slice(0, 10) } : {}),
  };
}

export class ReconcileController {
  private readonly running = new Map<string, Promise<ReconciliationReport>>();

  constructor(private readonly src: ReconcileSources) {}

  /** The reconciliation of `period`; shares one that runs for the same period. */
  run(period: Period): Promise<ReconciliationReport> {
    const key = `${period.from}/${period.to}`;
    let p = this.running.get(key);
    if (!p) {
      p = this.work(period).finally(() => this.running.delete(key));
      this.running.set(key, p);
    }
    return p;
  }

  private async work(period: Period): Promise<ReconciliationReport> {
    if (this.src.verkooporderMode()) {
      throw new KoppelingError(
        "RECONCILE_VERKOOPORDER",
        "This administration is booked as sales orders (vat-mapper's Book as: verkooporder): they become invoices, under SnelStart's own numbers, only when someone invoices them in SnelStart, so there are no verkoopfacturen to compare. Reconcile the sales orders in SnelStart.",
      );
    }
    const progress = this.src.progress ?? (() => undefined);
    const now = this.src.now?.() ?? new Date();
    const [mapping, firstRun] = await Promise.all([this.src.mapping(), this.src.firstRunAt()]);
    const settings = this.src.settings();
    const ccv = this.src.ccv();
    const snelstart = this.src.snelstart();

    progress("readingCcv");
    const shop = new ShopSide(mapping, settings, effectiveStart(settings, firstRun ?? now.toISOString()), period);
    const listed = listingBounds(period);
    const bounds = { min_create_date: listed.min, max_create_date: listed.max };
    for await (const c of ccv.orders(bounds)) shop.order(c);
    if (settings.credits) for await (const c of ccv.invoices(bounds)) shop.invoice(c);
    for (const id of shop.ordersToRead()) shop.originalOrder(await ccv.readOrder(id));
    const { shop: docs, cancelled } = shop.result();

    progress("readingSnelStart");
    const held = (await snelstart.verkoopfacturenBetween(period.from, period.to)).map(heldOf);
    const checked = new Map<ShopCancellation, string[]>();
    // With credit notes off the koppeling books no CCV credit invoice: none can settle a cancellation.
    for (const c of settings.credits ? cancellationsToCheck({ shop: docs, cancelled, held }) : []) {
      const numbers: string[] = [];
      for await (const inv of ccv.invoices({ ordernumber: c.ordernumber })) {
        const value = inv.ok ? inv.value : null;
        if (value?.type === "credit" && value.ordernumber === c.ordernumber) numbers.push(creditNumber(mapping.invoiceNumber, c.factuurnummer, value.invoicenumber ?? null));
      }
      checked.set(c, numbers);
    }
    const withCredits = cancelled.map((c) => (checked.has(c) ? { ...c, creditInvoiceNumbers: checked.get(c) } : c));

    const wanted = lookupsNeeded({ shop: docs, cancelled: withCredits, held });
    if (wanted.length) progress("lookingUp", wanted.length);
    const found: HeldInvoice[] = [];
    let next = 0;
    const worker = async () => {
      while (next < wanted.length) {
        const f = await snelstart.findVerkoopfactuur(wanted[next++]);
        if (f) found.push(heldOf(f));
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, wanted.length) }, worker));

    const r = reconcile({ shop: docs, cancelled: withCredits, held, found, isOurs: followsNumbering(mapping.invoiceNumber) });
    return { period: { ...period, label: periodLabel(period) }, at: now.toISOString(), counts: r.counts, lines: sortedLines(r) };
  }
}

/** A node of the deployed flows, as Node-RED's `RED.nodes.eachNode` gives it. */
export interface FlowDef {
  id: string;
  type: string;
  /** Disabled. */
  d?: boolean;
  [key: string]: unknown;
}

const DUE_FIELDS = ["statuses", "paidOnly", "since", "importExisting", "credits"] as const;

/**
 * What is due for the shop (ccv-config `ccvConfigId`): the settings of its ccv-orders-in nodes
 * (enabled ones), so the reconciliation judges as the koppeling books. The defaults when it has
 * none; RECONCILE_SETTINGS when two disagree on what is due.
 */
export function shopDueSettings(defs: readonly FlowDef[], ccvConfigId: string): DueSettings {
  const nodes = defs.filter((d) => d.type === "ccv-orders-in" && d.ccv === ccvConfigId && d.d !== true);
  const all = nodes.map((d) => dueSettings(d as Parameters<typeof dueSettings>[0]));
  const same = (s: DueSettings) => JSON.stringify(DUE_FIELDS.map((k) => s[k]));
  if (all.some((s) => same(s) !== same(all[0]))) {
    throw new KoppelingError("RECONCILE_SETTINGS", `The shop's ccv-orders-in nodes (${nodes.map((n) => n.name || n.id).join(", ")}) differ in what is due; give them the same statuses, paid-only, start date, import and credit-note settings.`);
  }
  return all[0] ?? dueSettings({});
}

/**
 * Whether this administration (snelstart-config `snelstartConfigId`) is booked as sales orders: an
 * enabled vat-mapper in mode verkooporder (*Book as*) whose VAT mapping is on the administration,
 * or a snelstart-invoice of 0.1 set to it (which refuses sales bookings until it is saved again).
 */
export function bookedAsVerkooporders(defs: readonly FlowDef[], snelstartConfigId: string): boolean {
  const mappings = new Set(defs.filter((d) => d.type === "vat-mapping" && d.snelstart === snelstartConfigId).map((d) => d.id));
  const onAdministration = (d: FlowDef) => (d.type === "vat-mapper" ? mappings.has(String(d.mapping)) : d.type === "snelstart-invoice" && d.snelstart === snelstartConfigId);
  return defs.some((d) => d.mode === "verkooporder" && d.d !== true && onAdministration(d));
}
