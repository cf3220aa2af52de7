/**
 * `snelstart-debtor`: decides the customer of a CCV document before it is mapped. The customer is
 * read from the document as its booking will name it (src/koppeling/document.ts
 * `documentCustomer`; the VAT mapping tells whether the sale is under OSS), then found in
 * SnelStart or created (src/booking/debtor.ts). Adds `msg.snelstart.relatieId`, `relatieCreated`
 * and `relatieHasVatNumber` (false: vat-mapper books an intra-community supply without ICP).
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { DebtorFinder, type DocumentRelaties } from "../booking/debtor";
import { KoppelingError } from "../errors";
import { documentCustomer, documentOf } from "../koppeling";
import { relatieOf, rememberRelatie } from "../koppeling/sync-ledger";
import type { SnelStartConfigNode } from "./snelstart-config";
import { type KoppelingMessage, ledgerKeyOf, onOrderMessage, registerVersioned, shopOf, status } from "./shared";
import type { VatMappingNode } from "./vat-mapping";

export interface DebtorDef extends NodeDef {
  snelstart: string;
  /** The VAT mapping: whether a sale to an EU consumer is under OSS decides the customer's address. */
  mapping?: string;
  /** Match an existing relatie on e-mail (default). Off: always create. */
  matchOnEmail: boolean;
}

export default function (RED: NodeAPI): void {
  function Debtor(this: Node, def: DebtorDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const admin = RED.nodes.getNode(def.snelstart) as SnelStartConfigNode | null;
    const mappingNode = def.mapping ? (RED.nodes.getNode(def.mapping) as VatMappingNode | null) : null;
    const finder = admin ? new DebtorFinder(async () => ({ port: admin.client(), landen: (await admin.reference()).landen }), def.matchOnEmail !== false) : null;
    let found = 0;
    let created = 0;
    node.status(!admin ? status.error("snelstart-debtor.statusText.noSnelStart") : !mappingNode ? status.error("snelstart-debtor.statusText.noMapping") : status.idle("snelstart-debtor.statusText.ready"));

    /** The relatie the message's document got on an earlier attempt, in its shop's ledger. */
    const relatiesOf = (msg: KoppelingMessage): DocumentRelaties | undefined => {
      const shop = shopOf(RED, msg);
      if (!shop || !msg.ccv) return undefined;
      const key = ledgerKeyOf(msg.ccv);
      const keep = async (r: { id: string }) => {
        if (!(await shop.ledger.update((l) => rememberRelatie(l, key, r)))) node.warn(`${key} is not pending in the sync ledger: its relatie ${r.id} is not kept for a retry`);
      };
      return { get: () => shop.ledger.read((l) => relatieOf(l, key)), keep };
    };

    onOrderMessage(
      RED,
      node,
      async (msg: KoppelingMessage) => {
        if (!admin || !finder) throw new KoppelingError("SNELSTART_CONFIG", "Select a SnelStart administration (snelstart-config) in this node");
        const doc = documentOf(msg.payload, msg.ccv ?? {});
        if (!mappingNode) throw new KoppelingError("MAPPING_INVALID", "Select the VAT mapping (vat-mapping) in this node: whether a sale is under OSS decides which address the customer gets");
        const { mapping } = await mappingNode.resolve();
        const { customer, oss } = documentCustomer(doc, mapping);
        const r = await finder.find(customer, oss, { runId: msg.run?.id ?? "", msgId: msg._msgid }, relatiesOf(msg));
        for (const w of r.warnings) node.warn(w);
        msg.snelstart = { ...msg.snelstart, relatieId: r.relatieId, relatieCreated: r.created, relatieHasVatNumber: r.hasVatNumber, ...(r.warnings.length ? { warnings: r.warnings } : {}) };
        if (r.created) created++;
        else found++;
        return status.ok(RED._("snelstart-debtor.statusText.done", { found, created }));
      },
      { close: () => finder?.close() ?? Promise.resolve() },
    );
  }

  registerVersioned(RED, "snelstart-debtor", Debtor);
}
