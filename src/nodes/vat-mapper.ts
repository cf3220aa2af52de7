/**
 * `vat-mapper`: applies the VAT mapping to a CCV order (or credit invoice, or cancelled booked
 * order) and replaces msg.payload with the balanced SnelStart booking model. A bad order ends in
 * done(err) with the domain's code (VAT_UNMAPPED_RATE, VAT_TOTAL_MISMATCH, …); the rest of the
 * run goes on. The rates and the OSS switch come from the administration (cached).
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import type { CcvInvoice, CcvOrder } from "../ccv/schemas";
import { type ErrorCode, KoppelingError } from "../errors";
import { type Booking, type CreditInvoiceInput, type OrderInput, mapCancellation, mapCreditInvoice, mapOrder } from "../koppeling";
import { type KoppelingMessage, onOrderMessage, status } from "./shared";
import type { VatMappingNode } from "./vat-mapping";

export interface VatMapperDef extends NodeDef {
  mapping: string;
}

/** msg.payload after vat-mapper: the booking, and for ICP orders the booking without ICP. */
export type MappedBooking = Booking & { icpFallback?: Booking; icpFallbackError?: { code: ErrorCode; message: string } };

function payloadOf(msg: KoppelingMessage): { order?: CcvOrder; invoice?: CcvInvoice; rows?: unknown[] } {
  const p = msg.payload as { order?: CcvOrder; invoice?: CcvInvoice; rows?: unknown[] } | null | undefined;
  if (!p || typeof p !== "object" || (!p.order && !p.invoice) || !Array.isArray(p.rows)) {
    throw new KoppelingError("ORDER_INVALID", "msg.payload must be {order, rows} or {invoice, rows} as ccv-orders-in sends it");
  }
  return p;
}

export default function (RED: NodeAPI): void {
  function VatMapper(this: Node, def: VatMapperDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const config = RED.nodes.getNode(def.mapping) as VatMappingNode | null;
    let mapped = 0;
    node.status(config ? status.idle("ready") : status.error("no VAT mapping configured"));

    onOrderMessage(RED, node, async (msg) => {
      const booking = await work(msg);
      msg.ccv = msg.ccv ? { ...msg.ccv, order: msg.payload } : msg.ccv;
      msg.payload = booking;
      mapped++;
      node.status(booking.warnings.length ? status.busy(`${mapped} mapped, warning`) : status.ok(`${mapped} mapped`));
      for (const w of booking.warnings) node.warn(`${booking.factuurnummer}: ${w}`);
    });

    async function work(msg: KoppelingMessage): Promise<MappedBooking> {
      if (!config) throw new KoppelingError("MAPPING_INVALID", "Select a VAT mapping (vat-mapping) in this node");
      const p = payloadOf(msg);
      const { mapping, context } = await config.forCustomer(p.order?.customer ?? p.invoice?.customer);
      const kind = msg.ccv?.kind ?? (p.invoice ? "credit-invoice" : "order");
      if (kind === "credit-invoice") {
        return mapCreditInvoice({ invoice: p.invoice, rows: p.rows, originalFactuurnummer: msg.ccv?.originalFactuurnummer } as CreditInvoiceInput, mapping, context);
      }
      const input = { order: p.order, rows: p.rows } as OrderInput;
      if (kind === "cancellation") {
        if (!msg.ccv?.originalFactuurnummer && !msg.ccv?.originalUnconfirmed) throw new KoppelingError("ORIGINAL_INVOICE_MISSING", "A cancellation needs msg.ccv.originalFactuurnummer");
        return mapCancellation(input, msg.ccv.originalFactuurnummer, mapping, context);
      }
      const booking: MappedBooking = mapOrder(input, mapping, context);
      // An ICP booking needs the customer's VAT number in SnelStart; if SnelStart refuses it, the
      // debtor node books the order without ICP: the same order mapped as if ICP were not allowed.
      if (booking.scheme === "icp") {
        try {
          booking.icpFallback = mapOrder(input, mapping, { ...context, icpAllowed: false });
        } catch (err) {
          const e = err as KoppelingError;
          booking.icpFallbackError = { code: e.code, message: e.message };
        }
      }
      return booking;
    }
  }

  RED.nodes.registerType("vat-mapper", VatMapper);
}
