/**
 * Issue 13, the Koppeling sidebar in a real browser, on Node-RED 4.1 and on Node-RED 5 (Node.js 22
 * from tools/nr5: Node-RED runs as a child process, so one mocha process drives both).
 *
 * The example flow as `npm run demo` deploys it (its schedule runs once at deploy), with one
 * order broken in the CCV simulator before that run (its total_tax null: CCV_INVALID_DOCUMENT).
 * In the sidebar: the deploy's run and the failed order with its plain-language reason; "Run
 * now" over new orders that CCV Shop answers slowly, with live progress; then the cause fixed in
 * the simulator, "Retry this order", and the order found booked under the invoice number the
 * SnelStart simulator holds. Screenshots go to `test-artifacts/koppeling-sidebar-*.png`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { ROOT, startKoppeling, type KoppelingRuntime } from "../../scripts/node-red-runtime";
import { builtSidebarCatalogue, type Tree } from "../../scripts/sidebar-catalogue";
import type { SimOrder } from "../../sim/ccv/types";
import { NODE_RED_VERSIONS, launchEditorBrowser, slug, type EditorBrowser, type PageWindow } from "./browser";

type Catalogue = {
  triggers: Record<string, string>;
  progress: Record<string, string>;
  actions: Record<string, string>;
  attention: Record<string, string>;
  codes: Record<string, { reason: string; action: string }>;
};
/** The en-US catalogue as built: the codes' texts come from src/error-codes.ts. */
const TEXT = builtSidebarCatalogue(JSON.parse(fs.readFileSync(path.join(ROOT, "nodes", "locales", "en-US", "koppeling-sidebar.json"), "utf8")) as Tree) as unknown as Catalogue;

/** The statuses the example books: every status but 8 (cancelled). */
const BOOKED_STATUSES = new Set([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14]);

/** A hand-written paid order for the CCV simulator's control API: one 21 % row. */
function newOrder(ordernumber: number): Record<string, unknown> {
  return {
    ordernumber,
    create_date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    status: 1,
    paid: true,
    customer: {
      email: `sidebar-${ordernumber}@example.nl`,
      customertype: "b2c",
      btw: "",
      billingaddress: { first_name: "Sanne", last_name: "Zijbalk", full_name: "Sanne Zijbalk", street: "Teststraat", housenumber: 1, zipcode: "1234 AB", city: "Utrecht", country_code: "NL", country: "Nederland" },
    },
    orderrows: [{ product_name: "Testartikel", product_number: "SIDE-1", count: 1, price: 30.25, tax: 21 }],
  };
}

async function control(base: string, method: string, p: string, body?: unknown): Promise<unknown> {
  const r = await fetch(base + p, { method, headers: { "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** A catalogue text with its `__name__` placeholders as patterns (numbers unless `values` names them). */
function pattern(text: string, values: Record<string, string> = {}): RegExp {
  const parts = text.split(/(__\w+__)/).map((p) => {
    const name = /^__(\w+)__$/.exec(p)?.[1];
    if (!name) return p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return values[name] ?? "\\d+";
  });
  return new RegExp(`^${parts.join("")}$`);
}

const cell = (row: ReturnType<Page["locator"]>, col: string) => row.locator(`td[data-col="${col}"]`).innerText();

describe("editor (real browser): the Koppeling sidebar", function () {
  let browser: EditorBrowser | undefined;
  let page: Page | undefined;

  before(async function () {
    this.timeout(60_000);
    browser = await launchEditorBrowser();
  });

  after(async function () {
    this.timeout(30_000);
    await browser?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page && !page.isClosed()) {
      await browser?.shot(page, `koppeling-sidebar-FAILED-${slug(this.currentTest.title)}`).catch(() => undefined);
    }
  });

  for (const version of NODE_RED_VERSIONS) {
    describe(version.name, function () {
      let koppeling: KoppelingRuntime | undefined;
      let bad: SimOrder | undefined;
      let badTax = 0;
      const prefix = `koppeling-sidebar-${version.expect.source.includes("5") ? "nr5" : "nr4"}`;

      before(async function () {
        this.timeout(120_000);
        koppeling = await startKoppeling({ orders: 6, ...version.options() });
        // The example's schedule runs once, 5 s after the deploy: break one order it will book before then.
        const due = koppeling.ccv.state.orders.filter((o) => o.is_completed && o.ordernumber != null && o.status != null && BOOKED_STATUSES.has(o.status) && o.paid);
        assert.ok(due.length >= 2, "the demo shop has orders to book");
        bad = due[1];
        badTax = bad.total_tax;
        koppeling.ccv.state.malform("order", bad.id, { set: { total_tax: null } });
        const first = await koppeling.waitForSummary(1, 90_000);
        assert.equal(first.failed, 1, `the deploy's run failed the broken order (${JSON.stringify(first.errors)})`);
        assert.deepEqual(first.errors.map((e) => [e.ordernumber, e.code]), [[bad.ordernumber, "CCV_INVALID_DOCUMENT"]]);
      });

      after(async function () {
        this.timeout(30_000);
        await koppeling?.stop();
      });

      /** Opens the Koppeling tab as a user does: its button in the tab bar, or (Node-RED 4, when the bar is full) its entry in the bar's menu. */
      async function openSidebar(p: Page): Promise<void> {
        const button = p.locator('#red-ui-tab-koppeling-link-button, button[data-tab-id="koppeling"]').first();
        if (await button.isVisible()) {
          await button.click();
        } else {
          await p.locator("#red-ui-sidebar .red-ui-tab-link-button-menu").click();
          await p.locator("#red-ui-tabs-menu-option-koppeling").click();
        }
        await p.locator(".ccv-koppeling").waitFor({ state: "visible" });
      }

      it("after the deploy's run: the run and the failed order with its code, reason and what to do", async function () {
        this.timeout(60_000);
        assert.ok(koppeling && browser && bad);
        const settings = (await koppeling.adminGet("/settings")) as { version: string };
        assert.match(settings.version, version.expect);
        const summary = koppeling.summaries[0];
        page = await browser.open(koppeling.url);
        await openSidebar(page);

        const rows = page.locator(".ccv-koppeling-runs tbody tr[data-run-id]");
        await rows.first().waitFor();
        assert.equal(await rows.count(), 1);
        const run = rows.first();
        assert.equal(await run.getAttribute("data-state"), "done");
        assert.equal(await cell(run, "trigger"), TEXT.triggers.deploy);
        assert.deepEqual(
          [await cell(run, "due"), await cell(run, "booked"), await cell(run, "skipped"), await cell(run, "failed")],
          [String(summary.total), String(summary.booked), String(summary.alreadyBooked), "1"],
        );

        const item = page.locator(`.ccv-koppeling-attention .ccv-koppeling-item[data-key="order:${bad.id}"]`);
        await item.waitFor();
        assert.equal(await page.locator(".ccv-koppeling-attention .ccv-koppeling-item").count(), 1);
        assert.match(await item.locator(".ccv-koppeling-item-title").innerText(), new RegExp(`\\b${bad.ordernumber}\\b`));
        assert.equal(await item.locator(".ccv-koppeling-code").innerText(), "CCV_INVALID_DOCUMENT");
        assert.equal(await item.locator(".ccv-koppeling-reason").innerText(), TEXT.codes.CCV_INVALID_DOCUMENT.reason);
        assert.equal(await item.locator(".ccv-koppeling-todo").innerText(), `${TEXT.attention.todo} ${TEXT.codes.CCV_INVALID_DOCUMENT.action}`);
        assert.ok((await item.locator(".ccv-koppeling-meta").innerText()).startsWith(`${TEXT.attention.attempts.replace("__count__", "1")} · `));
        assert.equal(await item.locator("button.ccv-koppeling-retry").innerText(), TEXT.actions.retry);
        assert.equal(await page.locator("button.ccv-koppeling-retry-all").isEnabled(), true);
        await browser.settled(page);
        await browser.shot(page, `${prefix}-1-failed`);
        assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
      });

      it("Run now over orders CCV Shop answers slowly: the run shows live, with a progress bar, and ends with its counts", async function () {
        this.timeout(90_000);
        assert.ok(koppeling && browser && page && bad);
        const base = await page.locator(".ccv-koppeling-runs tbody tr[data-run-id]").count();
        const numbers = [];
        for (let i = 0; i < 3; i++) {
          const o = (await control(koppeling.ccv.url, "POST", "/__sim/orders", newOrder(880_001 + i))) as SimOrder;
          numbers.push(o.ordernumber);
        }
        // Each order's rows come 1.5 s late: the run takes a few seconds.
        await control(koppeling.ccv.url, "POST", "/__sim/faults", { kind: "delay", ms: 1500, method: "GET", path: "/orderrows", count: 3 });
        await page.click("button.ccv-koppeling-run");

        const progress = page.locator(".ccv-koppeling-progress");
        await progress.waitFor({ state: "visible" });
        const running = page.locator('.ccv-koppeling-runs tbody tr[data-state="running"]');
        await running.waitFor();
        assert.equal(await cell(running.first(), "trigger"), `${TEXT.triggers.manual} …`);
        const found = pattern(TEXT.progress.found, { due: "[1-9]\\d*" });
        const total = pattern(TEXT.progress.total, { due: "[1-9]\\d*" });
        await page.locator(".ccv-koppeling-progress-label").filter({ hasText: new RegExp(`${found.source}|${total.source}`) }).waitFor();
        assert.equal(await page.locator("button.ccv-koppeling-run").isDisabled(), true, "no second run while one goes");
        await browser.shot(page, `${prefix}-2-progress`);

        await progress.waitFor({ state: "hidden", timeout: 60_000 });
        const rows = page.locator(".ccv-koppeling-runs tbody tr[data-run-id]");
        await page.waitForFunction((n: number) => (globalThis as unknown as PageWindow).document.querySelectorAll(".ccv-koppeling-runs tbody tr[data-run-id]").length === n, base + 1);
        const run = rows.first();
        assert.equal(await run.getAttribute("data-state"), "done");
        assert.equal(await cell(run, "trigger"), TEXT.triggers.manual);
        // The three new orders are booked; the broken one, still broken, failed again.
        assert.deepEqual([await cell(run, "due"), await cell(run, "booked"), await cell(run, "failed")], ["4", "3", "1"]);
        await page.locator(`.ccv-koppeling-item[data-key="order:${bad.id}"] .ccv-koppeling-meta`, { hasText: TEXT.attention.attempts_plural.replace("__count__", "2") }).waitFor();
        assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
      });

      it("the cause fixed in the shop, Retry this order: booked, found by its number under the invoice number SnelStart holds", async function () {
        this.timeout(60_000);
        assert.ok(koppeling && browser && page && bad);
        const before = new Set([...koppeling.snelstart.state.verkoopboekingen.values()].map((b) => b.factuurnummer));
        await control(koppeling.ccv.url, "PATCH", `/__sim/orders/${bad.id}/raw`, { set: { total_tax: badTax } });
        const runsBefore = await page.locator(".ccv-koppeling-runs tbody tr[data-run-id]").count();

        const item = page.locator(`.ccv-koppeling-attention .ccv-koppeling-item[data-key="order:${bad.id}"]`);
        await item.locator("button.ccv-koppeling-retry").click();
        await item.waitFor({ state: "detached" });
        await page.locator(".ccv-koppeling-attention .ccv-koppeling-none").waitFor();
        assert.equal(await page.locator("button.ccv-koppeling-retry-all").isDisabled(), true, "nothing left to retry");

        const rows = page.locator(".ccv-koppeling-runs tbody tr[data-run-id]");
        await page.waitForFunction((n: number) => (globalThis as unknown as PageWindow).document.querySelectorAll(".ccv-koppeling-runs tbody tr[data-run-id]").length === n, runsBefore + 1);
        const run = rows.first();
        await page.waitForFunction(() => (globalThis as unknown as PageWindow).document.querySelector(".ccv-koppeling-runs tbody tr[data-run-id]")?.getAttribute("data-state") === "done");
        assert.equal(await cell(run, "trigger"), TEXT.triggers.manual);
        assert.deepEqual([await cell(run, "due"), await cell(run, "booked"), await cell(run, "failed")], ["1", "1", "0"]);

        const added = [...koppeling.snelstart.state.verkoopboekingen.values()].map((b) => b.factuurnummer).filter((f) => !before.has(f));
        assert.equal(added.length, 1, `one booking added: ${added.join(", ")}`);
        await page.fill(".ccv-koppeling-search-input", String(bad.ordernumber));
        await page.click(".ccv-koppeling-search-button");
        const booked = page.locator(`.ccv-koppeling-search-result[data-ordernumber="${bad.ordernumber}"] .ccv-koppeling-booked`);
        await booked.waitFor();
        assert.equal(await booked.getAttribute("data-factuurnummer"), added[0]);
        assert.match(await booked.innerText(), new RegExp(`\\b${added[0]}\\b`));
        await page.locator(".ccv-koppeling-search-input").scrollIntoViewIfNeeded();
        await browser.settled(page);
        await browser.shot(page, `${prefix}-3-booked`);
        assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
      });
    });
  }
});
