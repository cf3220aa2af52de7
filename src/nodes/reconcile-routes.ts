/**
 * The reconciliation's admin routes (for the sidebar's "Controle" section, or another tool):
 *
 *   GET /ccv-snelstart/reconcile/:nodeId?from=yyyy-MM-dd&to=yyyy-MM-dd   (or ?month=yyyy-MM; none: last month)
 *     -> {ok: true, period, at, counts, lines} | {ok: false, code, message}  (HTTP 200, as the other admin routes)
 *   GET /ccv-snelstart/reconcile/:nodeId.csv?…   -> the CSV as a download (an error: HTTP 4xx/5xx with the JSON)
 *
 * Read permission (`ccv-snelstart-reconcile.read`): the request names nothing but a deployed
 * ccv-snelstart-reconcile node and a period; the node works with its own deployed configuration,
 * so no secret is ever sent to an address a request names (see ./admin.ts). The answer holds order
 * and invoice numbers, amounts and SnelStart ids: no personal data.
 */
import type { NodeAPI } from "node-red";
import type { Request, Response } from "express";
import type { ReconciliationReport } from "../controllers/reconcile";
import { reconciliationCsv } from "../koppeling/reconcile";
import { parsePeriod } from "../koppeling/reconcile-shop";
import { answer, failure } from "./admin";
import type { ReconcileNode } from "./ccv-snelstart-reconcile";

export const RECONCILE_ROUTE = "/ccv-snelstart/reconcile/:nodeId";
export const RECONCILE_PERMISSION = "ccv-snelstart-reconcile.read";

/** `controle-2025-03.csv`: the file name of a reconciliation's CSV. */
function csvFilename(report: Pick<ReconciliationReport, "period">): string {
  return `controle-${report.period.label.replace(/\.\./g, "_")}.csv`;
}

function queryText(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

const registered = new WeakSet<object>();

export function reconcileRoutes(RED: NodeAPI): void {
  const app = RED.httpAdmin as unknown as object;
  if (registered.has(app)) return;
  registered.add(app);

  RED.httpAdmin.get(RECONCILE_ROUTE, RED.auth.needsPermission(RECONCILE_PERMISSION), (req: Request, res: Response) => {
    const raw = String(req.params.nodeId ?? "");
    const csv = raw.endsWith(".csv");
    const id = csv ? raw.slice(0, -4) : raw;
    const node = RED.nodes.getNode(id) as unknown as (ReconcileNode & { type?: string }) | null;
    // Only a reconcile node: no other node's configuration is lent to this route.
    if (!node || node.type !== "ccv-snelstart-reconcile") {
      const body = { ok: false, message: `No deployed ccv-snelstart-reconcile node ${id}` };
      if (csv) res.status(404).json(body);
      else res.json(body);
      return;
    }
    const period = () => parsePeriod({ month: queryText(req.query.month), from: queryText(req.query.from), to: queryText(req.query.to) }, new Date());
    if (!csv) {
      answer(res, async () => ({ ...(await node.reconcile(period())) }));
      return;
    }
    // The download: a failure is an HTTP status with the JSON.
    let p;
    try {
      p = period();
    } catch (err) {
      res.status(400).json(failure(err));
      return;
    }
    node.reconcile(p).then(
      (report) => {
        res.set("Content-Type", "text/csv; charset=utf-8");
        res.set("Content-Disposition", `attachment; filename="${csvFilename(report)}"`);
        res.send(reconciliationCsv(report));
      },
      (err: unknown) => res.status(502).json(failure(err)),
    );
  });
}
