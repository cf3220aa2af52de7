/**
 * `ccv-snelstart-reconcile`: the reconciliation ("controle") of a period, e.g. last month: what
 * CCV Shop says was due against the verkoopfacturen SnelStart holds (equal, missing, amount
 * differs, cancelled in the shop, credit note missing, not in the shop, duplicate). On an input
 * (`msg.topic` "reconcile" or none; `msg.payload` `{month: "2025-03"}`, `{from, to}` or nothing:
 * last month) it sends `msg.payload` = the reconciliation and `msg.csv` = it as CSV. The same is
 * available through the admin routes (./reconcile-routes.ts), which the Koppeling sidebar's
 * "Controle" section asks (or another tool).
 *
 * What is due is what the shop's ccv-orders-in judges due: its settings are read from the
 * deployed flows, not kept twice (docs/design.md "Reconciliation"). The work is
 * ../controllers/reconcile.ts.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { ReconcileController, type ReconciliationReport, bookedAsVerkooporders, shopDueSettings } from "../controllers/reconcile";
import { KoppelingError } from "../errors";
import { reconciliationCsv } from "../koppeling/reconcile";
import { type Period, parsePeriod } from "../koppeling/reconcile-shop";
import type { CcvConfigNode } from "./ccv-config";
import { inRuntimeLanguage } from "./error-language";
import { type KoppelingMessage, asKoppelingError, deployedDefs, registerVersioned, status } from "./shared";
import { reconcileRoutes } from "./reconcile-routes";
import type { SnelStartConfigNode } from "./snelstart-config";
import type { VatMappingNode } from "./vat-mapping";

const RECONCILE_TOPIC = "reconcile";

export interface ReconcileDef extends NodeDef {
  /** The shop (ccv-config). */
  ccv: string;
  /** The VAT mapping (vat-mapping): its invoice-number rule, and the SnelStart administration it belongs to. */
  mapping: string;
}

export interface ReconcileNode extends Node {
  /** The reconciliation of `period` (shared with one already running for it). */
  reconcile(period: Period): Promise<ReconciliationReport>;
}

export default function (RED: NodeAPI): void {
  function Reconcile(this: ReconcileNode, def: ReconcileDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const shop = RED.nodes.getNode(def.ccv) as CcvConfigNode | null;
    const mappingNode = RED.nodes.getNode(def.mapping) as VatMappingNode | null;
    const flows = () => deployedDefs(RED);
    const configured = (): { shop: CcvConfigNode; admin: SnelStartConfigNode; mapping: VatMappingNode } => {
      if (!shop) throw new KoppelingError("CCV_CONFIG", "Select a CCV Shop (ccv-config) in this node");
      if (!mappingNode) throw new KoppelingError("MAPPING_INVALID", "Select a VAT mapping (vat-mapping) in this node");
      if (!mappingNode.snelstart) throw new KoppelingError("MAPPING_INVALID", "The VAT mapping has no SnelStart administration selected");
      return { shop, admin: mappingNode.snelstart, mapping: mappingNode };
    };
    const controller = new ReconcileController({
      ccv: () => configured().shop.client(),
      snelstart: () => configured().admin.client(),
      mapping: async () => (await configured().mapping.resolve()).mapping,
      settings: () => shopDueSettings(flows(), configured().shop.id),
      firstRunAt: () => configured().shop.ledger.read((l) => l.runs.firstRunAt),
      verkooporderMode: () => bookedAsVerkooporders(flows(), configured().admin.id),
      progress: (step, count) => node.status(status.busy(count === undefined ? `ccv-snelstart-reconcile.statusText.${step}` : RED._(`ccv-snelstart-reconcile.statusText.${step}`, { count }))),
    });
    node.status(shop && mappingNode ? status.idle("ccv-snelstart-reconcile.statusText.ready") : status.error("ccv-snelstart-reconcile.statusText.notSetUp"));

    node.reconcile = async (period) => {
      try {
        configured();
        const report = await controller.run(period);
        const attention = report.lines.length - report.counts.equal;
        node.status(attention ? status.error(RED._("ccv-snelstart-reconcile.statusText.toCheck", { period: report.period.label, count: attention })) : status.ok(RED._("ccv-snelstart-reconcile.statusText.equal", { period: report.period.label, count: report.counts.equal })));
        return report;
      } catch (err) {
        const e = asKoppelingError(err);
        node.status(status.error(e.code));
        throw e;
      }
    };

    node.on("input", (msg: KoppelingMessage & { csv?: string }, send, done) => {
      if (msg.topic && msg.topic !== RECONCILE_TOPIC) {
        node.warn(`ignored a message with topic "${msg.topic}": this node reconciles on topic "${RECONCILE_TOPIC}" (or none)`);
        done();
        return;
      }
      let period: Period;
      try {
        // An inject node's timestamp asks for the default: last month.
        period = parsePeriod(typeof msg.payload === "number" ? undefined : msg.payload, new Date());
      } catch (err) {
        node.status(status.error("RECONCILE_PERIOD"));
        done(inRuntimeLanguage(RED._, asKoppelingError(err)));
        return;
      }
      node.reconcile(period).then(
        (report) => {
          msg.topic = RECONCILE_TOPIC;
          msg.payload = report;
          msg.csv = reconciliationCsv(report);
          send(msg);
          done();
        },
        (err: unknown) => done(inRuntimeLanguage(RED._, asKoppelingError(err))),
      );
    });
  }

  registerVersioned(RED, "ccv-snelstart-reconcile", Reconcile);
  reconcileRoutes(RED);
}
