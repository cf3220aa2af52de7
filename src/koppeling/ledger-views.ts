/**
 * What the Koppeling sidebar shows of a shop's sync ledger (./sync-ledger.ts): the documents that
 * need attention (failed ones, and those whose outcome in SnelStart is unknown), and what the
 * ledger knows of one order number. Pure; the ledger holds numbers, amounts, codes and times only,
 * and so do these views.
 */
import { type BookedEntry, type LedgerKind, type LedgerState, bookedByNumber, parseLedgerKey } from "./sync-ledger";

/** A document that needs the owner's attention. */
export interface AttentionItem {
  /** The ledger key, e.g. `order:123`. */
  key: string;
  kind: LedgerKind;
  /** The CCV id (of the order; of the credit invoice for `credit`). */
  id: number;
  ordernumber: number | null;
  /** The last error code; null for a posting whose outcome was never recorded and that has not failed since. */
  code: string | null;
  /** The node where it last failed (null with `code`). */
  stage: string | null;
  /** Runs in which it failed. */
  attempts: number;
  firstAt: string;
  lastAt: string;
  /** A posting to SnelStart may have been stored: the next attempt looks it up first. */
  unknownOutcome: boolean;
  /** The invoice number it was being posted under (outcome unknown). */
  factuurnummer: string | null;
  /** ccv-orders-in can retry it by itself (`msg.topic` "retry" with the order id): orders and cancellations. */
  retry: boolean;
}

export interface Attention {
  /** Failed documents, last failure first (at most the limit). */
  failed: AttentionItem[];
  failedTotal: number;
  /** Documents whose outcome in SnelStart is unknown, oldest first (at most the limit). */
  unknown: AttentionItem[];
  unknownTotal: number;
}

/** A posting intent younger than this may be a booking in progress, not a lost answer. */
export const INTENT_SETTLE_MS = 10 * 60 * 1000;

function itemOf(ledger: LedgerState, key: string): AttentionItem | null {
  const k = parseLedgerKey(key);
  if (!k) return null;
  const f = ledger.failed[key];
  const intent = ledger.intents[key];
  const base = { key, kind: k.kind, id: k.id, retry: k.kind !== "credit", factuurnummer: intent?.factuurnummer ?? null };
  if (f) {
    return {
      ...base,
      ordernumber: f.ordernumber,
      code: f.code,
      stage: f.stage,
      attempts: f.attempts,
      firstAt: f.firstAt,
      lastAt: f.lastAt,
      unknownOutcome: f.unknownOutcome || intent !== undefined,
    };
  }
  if (!intent) return null;
  return { ...base, ordernumber: ledger.pending[key]?.ordernumber ?? null, code: null, stage: null, attempts: 0, firstAt: intent.at, lastAt: intent.at, unknownOutcome: true };
}

/**
 * The documents that need attention. Outcome unknown: a failure marked so, or a posting intent left
 * without a booking (one younger than INTENT_SETTLE_MS without a failure is a booking in progress).
 * Failed: every other failed document.
 */
export function needsAttention(ledger: LedgerState, now: Date, limit = 200): Attention {
  const failed: AttentionItem[] = [];
  const unknown: AttentionItem[] = [];
  for (const key of Object.keys(ledger.failed)) {
    const item = itemOf(ledger, key);
    if (item) (item.unknownOutcome ? unknown : failed).push(item);
  }
  for (const [key, intent] of Object.entries(ledger.intents)) {
    if (key in ledger.failed || now.getTime() - Date.parse(intent.at) < INTENT_SETTLE_MS) continue;
    const item = itemOf(ledger, key);
    if (item) unknown.push(item);
  }
  failed.sort((a, b) => b.lastAt.localeCompare(a.lastAt) || (a.ordernumber ?? 0) - (b.ordernumber ?? 0));
  unknown.sort((a, b) => a.firstAt.localeCompare(b.firstAt));
  return { failed: failed.slice(0, limit), failedTotal: failed.length, unknown: unknown.slice(0, limit), unknownTotal: unknown.length };
}

export interface BookedView {
  key: string;
  kind: LedgerKind;
  /** The CCV id; null for a booking kept only by its order number (folded). */
  id: number | null;
  factuurnummer: string;
  /** `none`: a cancellation with nothing to credit (its order was never booked). */
  type: BookedEntry["type"];
  /** The SnelStart id of the verkoopboeking or verkooporder ("" when folded). */
  snelstartId: string;
  /** When it was booked ("" when folded). */
  at: string;
  adopted: boolean;
  folded: boolean;
  /** The total incl. VAT in cents as booked (negative for a credit note); null when the ledger keeps none (an older or folded entry, nothing to credit). */
  amountCents: number | null;
}

export interface PendingView {
  key: string;
  kind: LedgerKind;
  id: number;
  /** Due when last seen (on its way, or failing); else waiting (not paid, or not in a selected status yet). */
  due: boolean;
  created: string;
}

/** What the ledger knows of one CCV order number. Nothing at all: the koppeling never listed it as due or waiting. */
export interface OrderLookup {
  ordernumber: number;
  booked: BookedView[];
  failed: AttentionItem[];
  unknown: AttentionItem[];
  pending: PendingView[];
}

export function lookupOrder(ledger: LedgerState, ordernumber: number, now: Date): OrderLookup {
  const booked: BookedView[] = [];
  for (const kind of ["order", "cancel", "credit"] as const) {
    for (const { key, entry } of bookedByNumber(ledger, kind, ordernumber)) {
      const k = parseLedgerKey(key);
      booked.push({
        key,
        kind,
        id: k?.id ?? null,
        factuurnummer: entry.factuurnummer,
        type: entry.type,
        snelstartId: entry.snelstartId,
        at: entry.at,
        adopted: entry.adopted,
        folded: entry.folded === true,
        amountCents: typeof entry.amountCents === "number" && Number.isSafeInteger(entry.amountCents) ? entry.amountCents : null,
      });
    }
  }
  const failed: AttentionItem[] = [];
  const unknown: AttentionItem[] = [];
  const pending: PendingView[] = [];
  for (const [key, f] of Object.entries(ledger.failed)) {
    if (f.ordernumber !== ordernumber) continue;
    const item = itemOf(ledger, key);
    if (item) (item.unknownOutcome ? unknown : failed).push(item);
  }
  for (const [key, p] of Object.entries(ledger.pending)) {
    const k = parseLedgerKey(key);
    if (p.ordernumber !== ordernumber || !k || key in ledger.failed) continue;
    const intent = ledger.intents[key];
    const item = intent && now.getTime() - Date.parse(intent.at) >= INTENT_SETTLE_MS ? itemOf(ledger, key) : null;
    if (item) unknown.push(item);
    else pending.push({ key, kind: k.kind, id: k.id, due: p.due, created: p.created });
  }
  return { ordernumber, booked, failed, unknown, pending };
}
