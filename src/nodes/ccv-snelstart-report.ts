/**
 * `ccv-snelstart-report`: the end of the koppeling. It takes the messages snelstart-invoice
 * sends and those a Catch node collects, counts them per run of ccv-orders-in, and when a run
 * is complete sends its summary (output 1). When problems persist — the same document failing,
 * or the fetch from CCV Shop failing, for N runs in a row — it sends one alert (output 2),
 * shaped for the e-mail node: `msg.topic` subject, `msg.payload` text, `msg.to`.
 *
 * The sync ledger keeps only codes, so the reasons in the alert come from the live messages of
 * the run in which it fires (its summary), never from context.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { type DueAlerts, dueAlerts, markAlerted } from "../koppeling/sync-ledger";
import type { CcvConfigNode } from "./ccv-config";
import { type KoppelingMessage, clock, registerVersioned, status } from "./shared";

export interface ReportDef extends NodeDef {
  threshold: number | string;
  to: string;
}

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

interface CaughtError {
  message?: string;
  code?: string;
  source?: { type?: string };
}

const QUIET_MS = 10 * 60 * 1000;

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
      lines.push(`  ${o.key.startsWith("order") ? "Order" : "Credit for order"} ${o.ordernumber ?? o.key}: ${o.code} (${o.stage}, ${o.attempts} runs since ${o.firstAt.slice(0, 10)})`);
      const reason = liveReason(live, o.ordernumber, o.code);
      if (reason) lines.push(`    ${reason}`);
    }
    lines.push("");
  }
  lines.push("Every run retries these by itself; this mail is sent once per problem. Fix the cause (mapping, shop data or credentials) and the next run books them.");
  const what = [alerts.run ? "fetching orders fails" : "", alerts.orders.length ? `${alerts.orders.length} not booked` : ""].filter(Boolean).join(", ");
  return { subject: `CCV Shop → SnelStart (${shopId}): ${what}`, body: lines.join("\n") };
}

export default function (RED: NodeAPI): void {
  function Report(this: Node, def: ReportDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const threshold = Math.max(1, Math.floor(Number(def.threshold) || 3));
    /** Runs being counted; `known`: the run's number of documents is known (its end message, or a webhook's one order). */
    const runs = new Map<string, { summary: RunSummary; configId: string; timer: NodeJS.Timeout; known: boolean }>();
    node.status(status.idle("waiting for a run"));

    node.on("input", (msg: KoppelingMessage & { error?: CaughtError }, send, done) => {
      const run = msg.run;
      if (!run) {
        // Not from this koppeling (e.g. an error of another node the Catch node saw): nothing to count.
        done();
        return;
      }
      const entry = runs.get(run.id) ?? start(run.id, run.configId, run.trigger ?? "schedule");
      const s = entry.summary;
      if (run.total != null) {
        s.total = run.total;
        entry.known = true;
      }
      if (run.end) {
        // The run's end: only its count.
      } else if (msg.error) {
        const code = msg.error.code ?? "UNEXPECTED";
        if (!msg.ccv) s.runError = { code, message: msg.error.message ?? "" };
        else {
          s.failed++;
          s.errors.push({ ordernumber: msg.ccv.ordernumber, code, message: msg.error.message ?? "", stage: msg.error.source?.type ?? "" });
        }
      } else if (msg.ccv) {
        if (msg.snelstart?.alreadyBooked) s.alreadyBooked++;
        else s.booked++;
      }
      entry.timer.refresh();
      if (s.runError || (entry.known && s.booked + s.alreadyBooked + s.failed >= s.total)) finish(run.id, false, send).then(() => done(), done);
      else done();
    });

    node.on("close", (_removed: boolean, done: () => void) => {
      for (const r of runs.values()) clearTimeout(r.timer);
      runs.clear();
      done();
    });

    function start(runId: string, configId: string, trigger: RunSummary["trigger"]) {
      const shop = RED.nodes.getNode(configId) as CcvConfigNode | null;
      const now = new Date().toISOString();
      const entry = {
        configId,
        known: false,
        summary: { runId, trigger, shopId: shop?.shopId ?? "", total: 0, booked: 0, alreadyBooked: 0, failed: 0, runError: null, errors: [], incomplete: false, startedAt: now, finishedAt: now },
        timer: setTimeout(() => void finish(runId, true, (m) => node.send(m)).catch((err: Error) => node.warn(err.message)), QUIET_MS).unref(),
      };
      runs.set(runId, entry);
      return entry;
    }

    async function finish(runId: string, incomplete: boolean, send: (m: Array<KoppelingMessage | null>) => void): Promise<void> {
      const entry = runs.get(runId);
      if (!entry) return;
      runs.delete(runId);
      clearTimeout(entry.timer);
      const summary: RunSummary = { ...entry.summary, incomplete, finishedAt: new Date().toISOString() };
      node.status(
        summary.runError
          ? status.error(`run failed: ${summary.runError.code}`)
          : summary.failed
            ? status.error(`${summary.booked} booked, ${summary.failed} failed`)
            : status.ok(`${summary.booked} booked ${clock()}`),
      );
      const out: Array<KoppelingMessage | null> = [{ _msgid: RED.util.generateId(), topic: "summary", payload: summary } as KoppelingMessage, null];
      const shop = RED.nodes.getNode(entry.configId) as CcvConfigNode | null;
      if (shop) {
        const alerts = await shop.ledger.update((l) => {
          const due = dueAlerts(l, threshold);
          if (due.orders.length || due.run) markAlerted(l, due);
          return due;
        });
        if (alerts.orders.length || alerts.run) {
          const text = alertText(shop.shopId, alerts, threshold, summary);
          out[1] = { _msgid: RED.util.generateId(), topic: text.subject, payload: text.body, ...(def.to ? { to: def.to } : {}), alerts } as KoppelingMessage;
        }
      }
      send(out);
    }
  }

  registerVersioned(RED, "ccv-snelstart-report", Report);
}
