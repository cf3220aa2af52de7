/**
 * Exactly once: how snelstart-invoice posts a document to SnelStart without ever posting it
 * twice, and without relying on SnelStart's duplicate-number check (`BOE-0021`), which a sales
 * order does not have at all. SnelStart is behind a port of two calls (`find`, `post`; the
 * adapter is ./snelstart-port.ts), the shop's sync ledger behind its store, time behind a clock:
 * the protocol is tested with fakes of all three (test/unit/exactly-once.test.ts).
 *
 * 1. The sync ledger decides first: a document recorded as booked is not posted again, nor a
 *    credit when the order was credited by the other route meanwhile (`earlierCredit`).
 * 2. Right before each POST an intent ("posting X under number N") is stored durably; the outcome
 *    is stored before the next document is posted (the ledger journal fsyncs both).
 * 3. An intent without an outcome (a crash, a lost answer), an earlier unknown outcome, or a
 *    `BOE-0021` answer leads to a lookup first, and the document found is adopted, never posted
 *    twice. Only a lookup that finds nothing (after a few tries, a moment apart: SnelStart can
 *    take a moment to list a document) lets the POST go ahead.
 * 4. A POST SnelStart refused outright (a validation code) stored nothing: its intent is dropped.
 * 5. A cancellation of an order the ledger does not know as booked credits it only when SnelStart
 *    holds the original; else the ledger records that there is nothing to credit.
 * 6. Documents of one CCV order number (the order, its cancellation, its credit invoices) are
 *    posted one at a time, in the order they came: a lane per order number.
 *
 * `close` (a redeploy): no new document is started; one in progress finishes its current step —
 * a lookup, or the intent, POST and outcome together — and leaves the ledger as consistent as
 * after any step; a wait between lookups is cut short. Then it resolves.
 */
import { type Clock, systemClock } from "../clock";
import { refusesDocument } from "../error-codes";
import { KoppelingError, isKoppelingError } from "../errors";
import { isUnknownOutcome } from "../http/errors";
import type { DocumentKind } from "../koppeling/document";
import { type BookedEntry, type LedgerKey, type LedgerPort, clearIntent, earlierCredit, findBooked, intentOf, ledgerKey, markBooked, markNothingToCredit, recordIntent } from "../koppeling/sync-ledger";

export type DocumentType = "verkoopboeking" | "verkooporder";

/** A document SnelStart holds. */
export interface Stored {
  id: string;
  type: DocumentType;
  /** What the adapter's own check of SnelStart's answer found (a sales order's totals not CCV's). */
  warnings?: string[];
}

/** Why the port is asked to look a document up. */
export type LookupReason =
  /** An earlier attempt may have stored it (an intent without outcome, an unknown outcome). */
  | "earlier-attempt"
  /** SnelStart answered that the number exists (`BOE-0021`). */
  | "duplicate-number"
  /** The POST just now got no answer: it may have been stored. */
  | "unknown-outcome"
  /** The original a credit names, which the ledger does not know as booked. */
  | "original";

/** SnelStart, for one kind of posting `P`. */
export interface SnelStartPort<P> {
  /** The document SnelStart holds for `posting`, or null; throws for a verdict (INVOICE_NUMBER_TAKEN) or when it cannot look. */
  find(posting: P, why: LookupReason): Promise<Stored | null>;
  /** Posts it; what the adapter must do first (a sales order's articles) happens in `prepare`, before the intent. */
  post(posting: P): Promise<Stored>;
  prepare?(posting: P): Promise<void>;
}

/** The CCV document a posting is for (absent for a message not from ccv-orders-in: posted as it is). */
export interface DocumentRef {
  key: LedgerKey;
  kind: DocumentKind;
  orderId: number;
  ordernumber: number | null;
  /** The order's `create_date` (an order, or the cancelled order): a document newer than the ledger's fold is never taken for a folded one. */
  created?: string;
}

export interface BookRequest<P> {
  posting: P;
  type: DocumentType;
  factuurnummer: string;
  document?: DocumentRef;
  /** The shop's sync ledger; absent when the message names no shop. */
  ledger?: LedgerPort;
  /** The document's total incl. VAT in cents (the booking's `factuurbedrag`), kept with its outcome in the ledger (the sidebar shows it). */
  amountCents?: number;
  /** A credit whose original the ledger does not know as booked: the original, looked up before anything is credited. */
  original?: { posting: P; factuurnummer: string };
}

export type BookResult =
  | { status: "booked"; id: string; type: DocumentType; factuurnummer: string; adopted: boolean; warnings: string[] }
  /** Nothing posted: the ledger lists it (`id`/`type` unless folded), or another document credited the order (`creditedBy`), or there was nothing to credit. */
  | { status: "already"; factuurnummer?: string; id?: string; type?: BookedEntry["type"]; creditedBy?: string; nothingToCredit?: true };

/** SnelStart's answer that a booking's number exists. */
const DUPLICATE_NUMBER = "SNELSTART_BOE_0021";
/** How often, and how far apart (× the try), a document whose answer got lost is looked up before giving up for this run. */
const LOOKUP_TRIES = 3;
export const LOOKUP_GAP_MS = 1000;

/** SnelStart refused the POST itself (the catalogue's `refusesDocument`): nothing was stored. */
function refusedOutright(err: unknown): boolean {
  return err instanceof KoppelingError && refusesDocument(err.code);
}

export class ExactlyOnce<P> {
  /** Documents being posted, per CCV order number (else ledger key): the next waits for the one before. */
  private readonly lanes = new Map<string, Promise<unknown>>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly stop = new AbortController();

  constructor(
    private readonly port: SnelStartPort<P>,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Books `req` once, after any document of the same order number that came before it. */
  book(req: BookRequest<P>): Promise<BookResult> {
    const d = req.document;
    const lane = d ? (d.ordernumber != null ? `number:${d.ordernumber}` : d.key) : null;
    const previous = lane ? this.lanes.get(lane) : undefined;
    const job = (previous ?? Promise.resolve()).catch(() => undefined).then(() => this.tracked(req));
    if (lane) {
      this.lanes.set(lane, job);
      job.catch(() => undefined).finally(() => this.lanes.get(lane) === job && this.lanes.delete(lane));
    }
    return job;
  }

  /** Starts nothing new, cuts waits short, and resolves when the bookings in progress finished their step. */
  async close(): Promise<void> {
    if (!this.stop.signal.aborted) this.stop.abort(this.stopped());
    await Promise.allSettled([...this.running]);
  }

  private stopped(): KoppelingError {
    return new KoppelingError("FLOW_STOPPED", "The flow is being stopped (redeploy or shutdown): this document is booked by the next run");
  }

  /** Between steps: a closing booker goes no further. */
  private checkOpen(): void {
    if (this.stop.signal.aborted) throw this.stopped();
  }

  private tracked(req: BookRequest<P>): Promise<BookResult> {
    const run = this.run(req);
    this.running.add(run);
    run.catch(() => undefined).finally(() => this.running.delete(run));
    return run;
  }

  private async run(req: BookRequest<P>): Promise<BookResult> {
    this.checkOpen();
    const d = req.document;
    const ledger = d ? req.ledger : undefined;
    const creditKind = d && (d.kind === "cancellation" || d.kind === "credit-invoice") ? d.kind : null;
    const before =
      ledger && d
        ? await ledger.read((l) => ({
            booked: findBooked(l, d.key, d.ordernumber, d.created),
            failed: l.failed[d.key] ?? null,
            intent: intentOf(l, d.key),
            credited: creditKind && d.ordernumber != null ? earlierCredit(l, creditKind, d.ordernumber) : null,
          }))
        : null;
    if (before?.booked) {
      const b = before.booked;
      return { status: "already", factuurnummer: b.factuurnummer, ...(b.folded ? {} : { id: b.snelstartId, type: b.type }) };
    }
    // Credited meanwhile by the other route (a credit invoice, or the cancellation): never twice.
    if (before?.credited) return { status: "already", factuurnummer: before.credited.entry.factuurnummer, creditedBy: before.credited.key };
    if (req.original) {
      this.checkOpen();
      const settled = await this.confirmOriginal(req, ledger);
      if (settled) return settled;
    }
    // An earlier attempt may have stored it: its answer got lost, or it never recorded its outcome.
    // Without a ledger, a sales booking is looked up by its number first (cheap), a sales order is not.
    const mayExist = before ? before.failed?.unknownOutcome === true || before.intent != null : !ledger && req.type === "verkoopboeking";
    try {
      const stored = await this.post(req, mayExist);
      if (ledger && d) {
        const amount = req.amountCents !== undefined && Number.isSafeInteger(req.amountCents) ? { amountCents: req.amountCents } : {};
        const created = d.kind === "order" && d.created ? { created: d.created } : {};
        const entry = { ordernumber: d.ordernumber, factuurnummer: req.factuurnummer, snelstartId: stored.id, type: stored.type, adopted: stored.adopted, ...amount, ...created };
        await ledger.update((l) => markBooked(l, d.key, entry, this.clock.date()));
      }
      return { status: "booked", id: stored.id, type: stored.type, factuurnummer: req.factuurnummer, adopted: stored.adopted, warnings: stored.warnings ?? [] };
    } catch (err) {
      if (ledger && d && refusedOutright(err)) await ledger.update((l) => clearIntent(l, d.key));
      throw err;
    }
  }

  /**
   * The original of a credit the ledger did not know as booked: when SnelStart holds it, the
   * ledger records it as booked (adopted) and the credit goes ahead (null); when not, there is
   * nothing to credit, for good.
   */
  private async confirmOriginal(req: BookRequest<P>, ledger: LedgerPort | undefined): Promise<BookResult | null> {
    const original = req.original as NonNullable<BookRequest<P>["original"]>;
    const d = req.document;
    const found = await this.port.find(original.posting, "original");
    if (!found) {
      if (ledger && d) await ledger.update((l) => markNothingToCredit(l, d.orderId, d.ordernumber, this.clock.date()));
      return { status: "already", nothingToCredit: true };
    }
    if (ledger && d) {
      const entry = { ordernumber: d.ordernumber, factuurnummer: original.factuurnummer, snelstartId: found.id, type: found.type, adopted: true, ...(d.created ? { created: d.created } : {}) };
      await ledger.update((l) => markBooked(l, ledgerKey("order", d.orderId), entry, this.clock.date()));
    }
    return null;
  }

  /** Looked up first when it may exist, prepared, then intent, POST and outcome as one step. */
  private async post(req: BookRequest<P>, mayExist: boolean): Promise<Stored & { adopted: boolean }> {
    const { posting } = req;
    if (mayExist) {
      this.checkOpen();
      const found = await this.port.find(posting, "earlier-attempt");
      if (found) return { ...found, adopted: true };
    }
    if (this.port.prepare) {
      this.checkOpen();
      await this.port.prepare(posting);
    }
    this.checkOpen();
    const d = req.document;
    if (req.ledger && d) await req.ledger.update((l) => recordIntent(l, d.key, { factuurnummer: req.factuurnummer, type: req.type }, this.clock.date()));
    try {
      return { ...(await this.port.post(posting)), adopted: false };
    } catch (err) {
      if (!isKoppelingError(err)) throw err;
      if (err.code === DUPLICATE_NUMBER) {
        const found = await this.port.find(posting, "duplicate-number");
        if (found) return { ...found, adopted: true };
        throw err;
      }
      if (!isUnknownOutcome(err)) throw err;
      // It may or may not exist: look it up a few times (a document just stored can take a moment to be listed).
      for (let i = 0; i < LOOKUP_TRIES; i++) {
        if (i) await this.clock.sleep(LOOKUP_GAP_MS * i, this.stop.signal);
        const found = await this.port.find(posting, "unknown-outcome");
        if (found) return { ...found, adopted: true };
      }
      throw err;
    }
  }
}
