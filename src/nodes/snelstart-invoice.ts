/**
 * `snelstart-invoice`: posts what vat-mapper made to SnelStart, exactly once — the sales booking,
 * or in sales-order mode the sales order (its articles synced first). No mapping here: the
 * protocol is src/booking/exactly-once.ts, the SnelStart calls src/booking/snelstart-port.ts.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { ExactlyOnce } from "../booking/exactly-once";
import { SnelStartBooker, postingOf } from "../booking/snelstart-port";
import { KoppelingError } from "../errors";
import type { MappedDocument } from "../koppeling";
import { addWindowConsumer } from "./message-window";
import { type KoppelingMessage, ledgerKeyOf, onOrderMessage, registerVersioned, shopOf, status } from "./shared";
import type { SnelStartConfigNode } from "./snelstart-config";

export interface InvoiceDef extends NodeDef {
  snelstart: string;
  /**
   * Version 0.1 chose sales orders here (`verkooporder`); vat-mapper chooses now. A 0.1 node that
   * still says `verkooporder` refuses a sales booking of an order rather than book it unasked.
   */
  mode?: string;
}

const idsOf = (type: string | undefined, id: string) => (type === "verkooporder" ? { verkooporderId: id } : { boekingId: id });

export default function (RED: NodeAPI): void {
  function Invoice(this: Node, def: InvoiceDef): void {
    RED.nodes.createNode(this, def);
    // The Node-RED idiom: the handlers and helpers below refer to the node, not to their own `this`.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const admin = RED.nodes.getNode(def.snelstart) as SnelStartConfigNode | null;
    const booker = admin ? new ExactlyOnce(new SnelStartBooker(() => admin.client())) : null;
    let booked = 0;
    let skipped = 0;
    const leaveWindows = addWindowConsumer();
    node.status(admin ? status.idle("snelstart-invoice.statusText.ready") : status.error("snelstart-invoice.statusText.noSnelStart"));

    onOrderMessage(
      RED,
      node,
      async (msg: KoppelingMessage) => {
        if (!admin || !booker) throw new KoppelingError("SNELSTART_CONFIG", "Select a SnelStart administration (snelstart-config) in this node");
        const doc = msg.payload as MappedDocument | undefined;
        if (!doc || typeof doc !== "object" || !doc.factuurnummer || !Array.isArray(doc.lines)) {
          throw new KoppelingError("BOOKING_INVALID", "msg.payload must be the booking vat-mapper makes");
        }
        const relatieId = msg.snelstart?.relatieId;
        if (!relatieId) throw new KoppelingError("RELATIE_MISSING", "msg.snelstart.relatieId is missing: put snelstart-debtor before vat-mapper and this node");
        if (def.mode === "verkooporder" && doc.kind === "invoice" && !doc.verkooporder) {
          throw new KoppelingError(
            "MAPPING_INVALID",
            "This snelstart-invoice node was set to book sales orders (version 0.1), but the document is a sales booking: sales orders are chosen in vat-mapper now ('Book as'). Choose it there, then open this node and press Done.",
          );
        }
        const ccv = msg.ccv;
        const shop = shopOf(RED, msg);
        const { posting, original } = postingOf(doc, relatieId, { orderId: ccv?.orderId ?? null, originalUnconfirmed: ccv?.originalUnconfirmed });
        const created = (ccv?.order as { order?: { create_date?: string } } | undefined)?.order?.create_date;
        node.status(status.busy(RED._("snelstart-invoice.statusText.booking", { factuurnummer: doc.factuurnummer })));
        const r = await booker.book({
          posting,
          type: posting.type,
          factuurnummer: doc.factuurnummer,
          amountCents: doc.totalCents,
          ...(ccv ? { document: { key: ledgerKeyOf(ccv), kind: ccv.kind, orderId: ccv.orderId, ordernumber: ccv.ordernumber, created } } : {}),
          ...(shop ? { ledger: shop.ledger } : {}),
          ...(original ? { original } : {}),
        });
        if (r.status === "already") {
          skipped++;
          const ids = r.id === undefined ? {} : idsOf(r.type, r.id);
          msg.snelstart = { ...msg.snelstart, ...ids, ...(r.factuurnummer === undefined ? {} : { factuurnummer: r.factuurnummer }), alreadyBooked: true, ...(r.creditedBy ? { creditedBy: r.creditedBy } : {}), ...(r.nothingToCredit ? { nothingToCredit: true } : {}) };
        } else {
          booked++;
          for (const w of r.warnings) node.warn(w);
          const warnings = [...(msg.snelstart?.warnings ?? []), ...r.warnings];
          msg.snelstart = { ...msg.snelstart, ...idsOf(r.type, r.id), factuurnummer: r.factuurnummer, ...(r.adopted ? { adopted: true } : {}), ...(warnings.length ? { warnings } : {}) };
        }
        return status.ok(skipped ? RED._("snelstart-invoice.statusText.bookedAlready", { booked, skipped }) : RED._("snelstart-invoice.statusText.booked", { booked }));
      },
      {
        last: true,
        close: async () => {
          leaveWindows();
          await booker?.close();
        },
      },
    );
  }

  registerVersioned(RED, "snelstart-invoice", Invoice);
}
