/**
 * `vat-mapper`: maps a CCV document once (src/koppeling/document.ts `mapDocument`), after
 * snelstart-debtor decided its customer: msg.payload becomes the balanced SnelStart booking model
 * and, in sales-order mode, the sales order snelstart-invoice posts instead. The customer's
 * verdict (`msg.snelstart.relatieHasVatNumber` false: no ICP) comes from snelstart-debtor. A bad
 * document ends in done(err) with the domain's code (VAT_UNMAPPED_RATE, …); the run goes on.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { KoppelingError } from "../errors";
import { type BookingMode, documentOf, mapDocument } from "../koppeling";
import type { CustomerCountries } from "../koppeling/mapping-form";
import { type KoppelingMessage, onOrderMessage, registerVersioned, status } from "./shared";
import type { VatMappingNode } from "./vat-mapping";

export interface VatMapperDef extends NodeDef {
  mapping: string;
  /** What SnelStart gets for an order: a sales booking (default) or a sales order. */
  mode?: BookingMode;
}

export default function (RED: NodeAPI): void {
  function VatMapper(this: Node, def: VatMapperDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const config = RED.nodes.getNode(def.mapping) as VatMappingNode | null;
    const mode: BookingMode = def.mode === "verkooporder" ? "verkooporder" : "verkoopboeking";
    let mapped = 0;
    node.status(config ? status.idle(mode === "verkooporder" ? "vat-mapper.statusText.readyOrders" : "vat-mapper.statusText.ready") : status.error("vat-mapper.statusText.noMapping"));

    onOrderMessage(RED, node, async (msg: KoppelingMessage) => {
      if (!config) throw new KoppelingError("MAPPING_INVALID", "Select a VAT mapping (vat-mapping) in this node");
      const doc = documentOf(msg.payload, msg.ccv ?? {});
      const { mapping, articleGroups, context } = await config.forCustomer(((doc.order ?? doc.invoice) as { customer?: CustomerCountries | null } | undefined)?.customer);
      const mappedDoc = mapDocument(doc, mapping, context, { mode, articleGroups, relatieHasVatNumber: msg.snelstart?.relatieHasVatNumber });
      // The CCV document stays at msg.ccv.order (e.g. for the sync ledger's lookups by date).
      if (msg.ccv) msg.ccv = { ...msg.ccv, order: msg.payload };
      msg.payload = mappedDoc;
      mapped++;
      const warnings = [...new Set([...mappedDoc.warnings, ...(mappedDoc.verkooporder?.warnings ?? [])])];
      for (const w of warnings) node.warn(`${mappedDoc.factuurnummer}: ${w}`);
      return warnings.length ? status.busy(RED._("vat-mapper.statusText.mappedWarning", { mapped })) : status.ok(RED._("vat-mapper.statusText.mapped", { mapped }));
    });
  }

  registerVersioned(RED, "vat-mapper", VatMapper);
}
