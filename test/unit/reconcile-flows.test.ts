/**
 * What the reconciliation reads from the deployed flows (src/controllers/reconcile.ts): the due
 * settings of the shop's ccv-orders-in nodes, and whether the administration is booked as sales orders.
 */
import assert from "node:assert/strict";
import { bookedAsVerkooporders, shopDueSettings, type FlowDef } from "../../src/controllers/reconcile";
import { dueSettings } from "../../src/koppeling/due";
import { refuses } from "./helpers/assert";

const ordersIn = (id: string, ccv: string, over: Record<string, unknown> = {}): FlowDef => ({ id, type: "ccv-orders-in", ccv, statuses: [5, 7], paidOnly: true, since: "2025-01-01", importExisting: false, credits: true, ...over });
const invoiceNode = (id: string, snelstart: string, mode: string, over: Record<string, unknown> = {}): FlowDef => ({ id, type: "snelstart-invoice", snelstart, mode, ...over });

describe("unit: the reconciliation reads the flows", () => {
  it("takes the due settings of the shop's ccv-orders-in, not another shop's; the defaults when it has none", () => {
    const defs = [ordersIn("a", "shop1"), ordersIn("b", "shop2", { paidOnly: false, statuses: "1" })];
    const s = shopDueSettings(defs, "shop1");
    assert.deepEqual([s.statuses, s.paidOnly, s.since, s.importExisting, s.credits], [[5, 7], true, "2024-12-31T23:00:00Z", false, true]);
    assert.equal(shopDueSettings(defs, "shop2").paidOnly, false);
    assert.deepEqual(shopDueSettings(defs, "shop3"), dueSettings({}));
  });

  it("two ccv-orders-in of one shop that agree are fine (a horizon may differ); that disagree is RECONCILE_SETTINGS; a disabled one does not count", () => {
    assert.equal(shopDueSettings([ordersIn("a", "shop1"), ordersIn("b", "shop1", { horizonDays: 30 })], "shop1").paidOnly, true);
    refuses(() => shopDueSettings([ordersIn("a", "shop1", { name: "dag" }), ordersIn("b", "shop1", { credits: false })], "shop1"), "RECONCILE_SETTINGS", /dag, b/);
    assert.equal(shopDueSettings([ordersIn("a", "shop1"), ordersIn("b", "shop1", { credits: false, d: true })], "shop1").credits, true);
  });

  it("sales-order mode: an enabled vat-mapper booking as sales orders through a VAT mapping of the administration", () => {
    const mapping = (id: string, snelstart: string): FlowDef => ({ id, type: "vat-mapping", snelstart });
    const mapper = (mode: string, over: Record<string, unknown> = {}): FlowDef => ({ id: "m", type: "vat-mapper", mapping: "map1", mode, ...over });
    const defs = [mapping("map1", "ss1"), mapping("map2", "ss2")];
    assert.equal(bookedAsVerkooporders([...defs, mapper("verkoopboeking")], "ss1"), false);
    assert.equal(bookedAsVerkooporders([...defs, mapper("verkooporder")], "ss1"), true);
    assert.equal(bookedAsVerkooporders([...defs, mapper("verkooporder")], "ss2"), false, "another administration's mapping");
    assert.equal(bookedAsVerkooporders([...defs, mapper("verkooporder", { mapping: "map2" })], "ss2"), true);
    assert.equal(bookedAsVerkooporders([...defs, mapper("verkooporder", { d: true })], "ss1"), false);
  });

  it("sales-order mode of 0.1: an enabled snelstart-invoice in mode verkooporder on the same administration", () => {
    assert.equal(bookedAsVerkooporders([invoiceNode("i", "ss1", "verkoopboeking")], "ss1"), false);
    assert.equal(bookedAsVerkooporders([invoiceNode("i", "ss1", "verkooporder")], "ss1"), true);
    assert.equal(bookedAsVerkooporders([invoiceNode("i", "ss2", "verkooporder")], "ss1"), false);
    assert.equal(bookedAsVerkooporders([invoiceNode("i", "ss1", "verkooporder", { d: true })], "ss1"), false);
  });
});
