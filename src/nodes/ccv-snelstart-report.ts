/**
 * `ccv-snelstart-report`: the end of the koppeling. It takes the messages snelstart-invoice
 * sends and those a Catch node collects, counts them per run of ccv-orders-in, and when a run
 * is complete sends its summary (output 1). When problems persist — the same document failing,
 * or the fetch from CCV Shop failing, for N runs in a row — it sends one alert (output 2),
 * shaped for the e-mail node: `msg.topic` subject, `msg.payload` text, `msg.to`. The counting
 * and the alert's text are ../koppeling/report.ts.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { type RunSummary, alertText, runDone, tally } from "../koppeling/report";
import { dueAlerts, markAlerted } from "../koppeling/sync-ledger";
import type { CcvConfigNode } from "./ccv-config";
import { type KoppelingMessage, clock, registerVersioned, status } from "./shared";

export interface ReportDef extends NodeDef {
  threshold: number | string;
  to: string;
}

interface CaughtError {
  message?: string;
  code?: string;
  source?: { type?: string };
}

const QUIET_MS = 10 * 60 * 1000;

export default function (RED: NodeAPI): void {
  function Report(this: Node, def: ReportDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const threshold = Math.max(1, Math.floor(Number(def.threshold) || 3));
    /** Runs being counted; `known`: the run's number of documents is known (its end message, or a webhook's one order). */
    const runs = new Map<string, { summary: RunSummary; configId: string; timer: NodeJS.Timeout; known: boolean }>();
    node.status(status.idle("ccv-snelstart-report.statusText.waiting"));

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
      tally(s, { end: run.end, error: msg.error, document: msg.ccv, alreadyBooked: msg.snelstart?.alreadyBooked });
      entry.timer.refresh();
      if (runDone(s, entry.known)) finish(run.id, false, send).then(() => done(), done);
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
          ? status.error(RED._("ccv-snelstart-report.statusText.runFailed", { code: summary.runError.code }))
          : summary.failed
            ? status.error(RED._("ccv-snelstart-report.statusText.failed", { booked: summary.booked, failed: summary.failed }))
            : status.ok(RED._("ccv-snelstart-report.statusText.booked", { booked: summary.booked, at: clock() })),
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
