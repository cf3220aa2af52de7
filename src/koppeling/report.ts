/**
 * The report of a run (ccv-snelstart-report): its summary, counted from the messages that come
 * back, and the text of an alert mail. Pure; the node counts, asks the ledger which alerts are
 * due, and sends.
 *
 * The sync ledger keeps only codes, so the reasons in the alert come from the live messages of
 * the run in which it fires (its summary), never from context.
 */
import { type DueAlerts, parseLedgerKey } from "./sync-ledger";

export interface RunSummary {
  runId: string;
  /** What started the run: the schedule, or a webhook for one order. */
  trigger: "schedule" | "webhook";
  shopId: string;
  /** Documents of the run (known once the run's end message arrived, for a scheduled run). */
  total: number;
  booked: number;
  alreadyBooked: number;
  failed: number;
  /** Set when the run could not fetch from CCV Shop at all. */
  runError: { code: string; message: string } | null;
  errors: Array<{ ordernumber: number | null; code: string; message: string; stage: string }>;
  /** True when the summary was sent because the run went quiet before all its messages arrived. */
  incomplete: boolean;
  startedAt: string;
  finishedAt: string;
}

/** What the run in which an alert fires said itself: its failures' live messages (not in the ledger). */
export type LiveMessages = Pick<RunSummary, "errors" | "runError">;

/** The live message of the current run for a failed document: same order number and code, else same order number. */
function liveReason(live: LiveMessages, ordernumber: number | null, code: string): string | null {
  if (ordernumber == null) return null;
  const mine = live.errors.filter((e) => e.ordernumber === ordernumber && e.message);
  return (mine.find((e) => e.code === code) ?? mine[0])?.message ?? null;
}

/**
 * The text of an alert mail: what failed, how often, since when, and what to do. Codes, stages and
 * attempts come from the ledger; the reasons from `live`, the messages of the current run, for the
 * documents (and the run failure) it has one for.
 */
export function alertText(shopId: string, alerts: DueAlerts, threshold: number, live: LiveMessages = { errors: [], runError: null }): { subject: string; body: string } {
  const lines: string[] = [];
  if (alerts.run?.lastError) {
    const { code } = alerts.run.lastError;
    const reason = live.runError?.code === code && live.runError.message ? `: ${live.runError.message}` : "";
    lines.push(`The last ${alerts.run.consecutiveFailures} runs could not fetch orders from CCV Shop ${shopId}:`, `  ${code}${reason}`, "");
  }
  if (alerts.orders.length) {
    lines.push(`These ${alerts.orders.length === 1 ? "document was" : `${alerts.orders.length} documents were`} not booked in SnelStart in ${threshold} or more runs:`);
    for (const o of alerts.orders) {
      lines.push(`  ${parseLedgerKey(o.key)?.kind === "order" ? "Order" : "Credit for order"} ${o.ordernumber ?? o.key}: ${o.code} (${o.stage}, ${o.attempts} runs since ${o.firstAt.slice(0, 10)})`);
      const reason = liveReason(live, o.ordernumber, o.code);
      if (reason) lines.push(`    ${reason}`);
    }
    lines.push("");
  }
  lines.push("Every run retries these by itself; this mail is sent once per problem. Fix the cause (mapping, shop data or credentials) and the next run books them.");
  const what = [alerts.run ? "fetching orders fails" : "", alerts.orders.length ? `${alerts.orders.length} not booked` : ""].filter(Boolean).join(", ");
  return { subject: `CCV Shop → SnelStart (${shopId}): ${what}`, body: lines.join("\n") };
}

/** What came back of a run's document (or the run's end, or its failure), as the report counts it. */
export interface Returned {
  end?: boolean;
  error?: { code?: string; message?: string; source?: { type?: string } };
  /** The document's order number; absent for the run's own failure. */
  document?: { ordernumber: number | null };
  alreadyBooked?: boolean;
}

/** Counts one returned message into `s`. */
export function tally(s: RunSummary, m: Returned): void {
  if (m.end) return; // The run's end: only its count.
  if (m.error) {
    const code = m.error.code ?? "UNEXPECTED";
    if (!m.document) s.runError = { code, message: m.error.message ?? "" };
    else {
      s.failed++;
      s.errors.push({ ordernumber: m.document.ordernumber, code, message: m.error.message ?? "", stage: m.error.source?.type ?? "" });
    }
  } else if (m.document) {
    if (m.alreadyBooked) s.alreadyBooked++;
    else s.booked++;
  }
}

/** Whether the run is over: it failed, or every one of its documents (once their number is known) came back. */
export function runDone(s: RunSummary, totalKnown: boolean): boolean {
  return !!s.runError || (totalKnown && s.booked + s.alreadyBooked + s.failed >= s.total);
}
