/**
 * Issue 13, the Koppeling sidebar in a real browser, on Node-RED 4.1 and on Node-RED 5 (Node.js 22
 * from tools/nr5: Node-RED runs as a child process, so one mocha process drives both).
 *
 * The example flow as `npm run demo` deploys it (its schedule runs once at deploy), with one
 * order broken in the CCV simulator before the deploy (its total_tax null: CCV_INVALID_DOCUMENT).
 * In the sidebar: the deploy's run and the failed order with its plain-language reason; "Run
 * now" over new orders that CCV Shop answers slowly, with live progress; then the cause fixed in
 * the simulator, "Retry this order", and the order found booked under the invoice number the
 * SnelStart simulator holds. Then the Controle of the month of "Run now"'s orders: refused once by
 * SnelStart (the code, its reason, what to do and the route's message), busy while its request
 * is held, then, after one of their bookings was changed by hand in the SnelStart simulator:
 * exactly that difference, both amounts, the CSV download; the order search with the amount
 * booked; and a month with nothing in it, said so. Last, the editor set to Dutch: the sidebar's
 * texts, amounts and month in Dutch (Node-RED's own language stays en-US).
 * Screenshots go to `test-artifacts/koppeling-sidebar-*.png`.
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
  sidebar: Record<string, string>;
  search: Record<string, string>;
  controle: Record<string, string> & { findings: Record<string, { label: string; reason: string }> };
  triggers: Record<string, string>;
  progress: Record<string, string>;
  actions: Record<string, string>;
  attention: Record<string, string>;
  codes: Record<string, { reason: string; action: string }>;
};
const catalogue = (lang: string) => JSON.parse(fs.readFileSync(path.join(ROOT, "nodes", "locales", lang, "koppeling-sidebar.json"), "utf8")) as Tree;
/** The en-US catalogue as built: the codes' texts come from src/error-codes.ts. */
const TEXT = builtSidebarCatalogue(catalogue("en-US")) as unknown as Catalogue;
const NL = catalogue("nl") as unknown as Catalogue;

/** The editor page's local storage, where Node-RED keeps the user's language (`editor-language`). */
interface PageStorage {
  localStorage: { setItem(key: string, value: string): void; removeItem(key: string): void };
}

/** Cents as the browser writes euros in `locale` (what the sidebar should show in that language). */
function euro(page: Page, cents: number, locale: string): Promise<string> {
  return page.evaluate(([c, l]) => new Intl.NumberFormat(l, { style: "currency", currency: "EUR" }).format(c / 100), [cents, locale] as [number, string]);
}

/** The orders "Run now" books (added to the CCV simulator by hand). */
const NEW_ORDERS = [880_001, 880_002, 880_003];

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
      /** The booking the Controle test changed by hand: its order, month and amounts. */
      let changed: { ordernumber: number; month: string; shopCents: number; changedCents: number; equal: number } | undefined;
      const prefix = `koppeling-sidebar-${version.expect.source.includes("5") ? "nr5" : "nr4"}`;

      before(async function () {
        this.timeout(120_000);
        // The example's schedule runs once at deploy: one order it will book is broken before the flow is deployed.
        koppeling = await startKoppeling({
          orders: 6,
          ...version.options(),
          beforeDeploy: ({ ccv }) => {
            const due = ccv.state.orders.filter((o) => o.is_completed && o.ordernumber != null && o.status != null && BOOKED_STATUSES.has(o.status) && o.paid);
            assert.ok(due.length >= 2, "the demo shop has orders to book");
            bad = due[1];
            badTax = bad.total_tax;
            ccv.state.malform("order", bad.id, { set: { total_tax: null } });
          },
        });
        assert.ok(bad, "one order broken before the deploy");
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
        await button.waitFor({ state: "attached" });
        // A page opened again may show the tab already (Node-RED 5 restores the sidebar's last tab): a
        // click would close it. Node-RED restores it as it ends loading (RED.sidebar.show(":first"),
        // next to hiding its loading bar): decided only once the bar is hidden.
        await p.waitForFunction(() => {
          const bar = (globalThis as unknown as PageWindow).$("#red-ui-loading-progress");
          return bar.length === 1 && !bar.is(":visible");
        });
        if (await p.locator(".ccv-koppeling").isVisible()) return;
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
        for (const n of NEW_ORDERS) {
          const o = (await control(koppeling.ccv.url, "POST", "/__sim/orders", newOrder(n))) as SimOrder;
          numbers.push(o.ordernumber);
        }
        // The Controle's node list (one node: hidden) is marked: the redraws during and after the run keep it, not rebuild it.
        await page.evaluate(() => {
          const options = (globalThis as unknown as PageWindow).document.querySelectorAll(".ccv-koppeling-controle-node option");
          if (options.length !== 1) throw new Error(`${options.length} reconcile nodes listed`);
          (options[0] as unknown as { setAttribute(name: string, value: string): void }).setAttribute("data-probe", "kept");
        });
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
        // Redrawn after the run (the attention list above) without rebuilding the unchanged node list.
        assert.equal(await page.locator('.ccv-koppeling-controle-node option[data-probe="kept"]').count(), 1, "the reconcile node list is not rebuilt");
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

      it("Controle: SnelStart refusing shows the code and its reason; one booking changed by hand in SnelStart is the month's one difference, with both amounts; the CSV link downloads it; the search shows the amount booked", async function () {
        this.timeout(90_000);
        assert.ok(koppeling && browser && page);
        // One of the orders Run now booked, its amount changed by hand in SnelStart (5 euros more).
        const ordernumber = NEW_ORDERS[1];
        const target = [...koppeling.snelstart.state.verkoopboekingen.values()].find((b) => b.factuurnummer.endsWith(String(ordernumber)));
        assert.ok(target, `order ${ordernumber} is booked`);
        const shopCents = Math.round(target.factuurbedrag * 100);
        const changedCents = shopCents + 500;
        await control(koppeling.snelstart.url, "PATCH", `/__sim/verkoopboekingen/${target.id}`, { factuurbedrag: changedCents / 100 });
        const month = target.factuurdatum.slice(0, 7);
        // The month's other bookings: the rest of Run now's orders (the demo's own are months before).
        const others = [...koppeling.snelstart.state.verkoopboekingen.values()].filter((b) => b.factuurdatum.startsWith(month) && b !== target);
        assert.ok(others.length >= 2, `other bookings in ${month}: ${others.map((b) => b.factuurnummer).join(", ")}`);

        const section = page.locator('.ccv-koppeling-section[data-section="controle"]');
        await section.scrollIntoViewIfNeeded();
        const now = new Date();
        const previous = new Date(now.getFullYear(), now.getMonth() - 1, 1);
        assert.equal(await section.locator(".ccv-koppeling-controle-month").inputValue(), `${previous.getFullYear()}-${String(previous.getMonth() + 1).padStart(2, "0")}`, "last month by default");
        await page.fill(".ccv-koppeling-controle-month", month);
        // SnelStart refuses the listing once (403): the error's code, what it means and what to do.
        await control(koppeling.snelstart.url, "POST", "/__sim/faults", { kind: "status", status: 403, method: "GET", path: "/verkoopfacturen", count: 1 });
        const reconcileRoute = /\/ccv-snelstart\/reconcile\/[^/?.]+\?month=/;
        const [refused] = await Promise.all([
          page.waitForResponse((r) => reconcileRoute.test(r.url()), { timeout: 60_000 }),
          section.locator("button.ccv-koppeling-controle-run").click(),
        ]);
        const refusal = (await refused.json()) as { ok: boolean; code?: string; message?: string };
        assert.equal(refusal.code, "SNELSTART_FORBIDDEN");
        assert.ok(refusal.message, "the route's answer has a message");
        const error = section.locator(".ccv-koppeling-controle-error");
        await error.waitFor();
        assert.equal(await error.locator(".ccv-koppeling-code").innerText(), "SNELSTART_FORBIDDEN");
        assert.equal(await error.locator(".ccv-koppeling-reason").innerText(), TEXT.codes.SNELSTART_FORBIDDEN.reason);
        assert.equal(await error.locator(".ccv-koppeling-todo").innerText(), `${TEXT.attention.todo} ${TEXT.codes.SNELSTART_FORBIDDEN.action}`);
        assert.equal(await error.locator(".ccv-koppeling-detail").innerText(), refusal.message, "the route's message as the particulars");
        assert.equal(await section.locator(".ccv-koppeling-controle-summary").count(), 0);
        // While the reconciliation goes (its request held in the browser until the checks are done), the sidebar shows it is busy.
        let release: () => void = () => undefined;
        const held = new Promise<void>((r) => (release = r));
        let requested: () => void = () => undefined;
        const sent = new Promise<void>((r) => (requested = r));
        await page.route(reconcileRoute, async (route) => {
          requested();
          await held;
          await route.continue();
        });
        try {
          await section.locator("button.ccv-koppeling-controle-run").click();
          await sent;
          await section.locator(".ccv-koppeling-controle-busy").waitFor({ state: "visible" });
          assert.equal(await section.locator("button.ccv-koppeling-controle-run").isDisabled(), true, "no second reconciliation while one goes");
          assert.equal((await section.locator(".ccv-koppeling-controle-busy").innerText()).trim(), TEXT.controle.busy);
          assert.equal(await section.locator(".ccv-koppeling-controle-summary").count(), 0, "no result before the answer");
        } finally {
          release();
        }
        await page.unroute(reconcileRoute);
        await section.locator(".ccv-koppeling-controle-summary").waitFor({ timeout: 60_000 });
        assert.equal(await section.locator(".ccv-koppeling-controle-busy").isVisible(), false);
        assert.equal(await error.count(), 0, "the earlier error is gone");
        assert.equal(await section.locator("button.ccv-koppeling-controle-run").isEnabled(), true);

        const lines = section.locator(".ccv-koppeling-controle-line");
        assert.equal(await lines.count(), 1, "exactly one difference");
        const line = lines.first();
        assert.deepEqual(
          [await line.getAttribute("data-finding"), await line.getAttribute("data-ordernumber"), await line.getAttribute("data-factuurnummer")],
          ["amount-differs", String(ordernumber), target.factuurnummer],
        );
        const amounts = line.locator(".ccv-koppeling-amounts");
        assert.deepEqual([await amounts.getAttribute("data-shop-cents"), await amounts.getAttribute("data-snelstart-cents")], [String(shopCents), String(changedCents)]);
        // Euros as the catalogue's locale writes them (en-GB: €30.25).
        const [shopText, changedText] = [await euro(page, shopCents, TEXT.sidebar.locale), await euro(page, changedCents, TEXT.sidebar.locale)];
        assert.match(shopText, /^€\d+\.\d\d$/);
        assert.equal(await amounts.innerText(), TEXT.controle.amounts.replace("__shop__", shopText).replace("__snelstart__", changedText));
        assert.equal(await line.locator(".ccv-koppeling-reason").innerText(), TEXT.controle.findings["amount-differs"].reason);
        assert.match(await line.locator(".ccv-koppeling-item-title").innerText(), new RegExp(`^${TEXT.controle.findings["amount-differs"].label}: .*\\b${ordernumber}\\b.*\\b${target.factuurnummer}$`));
        assert.equal(await section.locator('.ccv-koppeling-controle-counts li[data-finding="equal"]').innerText(), `${TEXT.controle.findings.equal.label}: ${others.length}`);
        assert.equal(await section.locator('.ccv-koppeling-controle-counts li[data-finding="amount-differs"]').innerText(), `${TEXT.controle.findings["amount-differs"].label}: 1`);
        assert.equal(await section.locator(".ccv-koppeling-controle-counts li").count(), 2, "no other finding");
        await browser.settled(page);
        await section.scrollIntoViewIfNeeded();
        await browser.shot(page, `${prefix}-4-controle`);

        // The CSV: the route's download, with the one difference (decimal commas, as the CSV writes euros).
        const [download] = await Promise.all([page.waitForEvent("download"), section.locator("a.ccv-koppeling-controle-csv").click()]);
        assert.equal(download.suggestedFilename(), `controle-${month}.csv`);
        const csv = fs.readFileSync(await download.path(), "utf8");
        const rows = csv.trim().split("\r\n").slice(1);
        const comma = (cents: number) => (cents / 100).toFixed(2).replace(".", ",");
        assert.deepEqual(
          rows.filter((r) => !r.startsWith("equal;")).map((r) => r.split(";").slice(0, 6)),
          [["amount-differs", target.factuurnummer, String(ordernumber), comma(shopCents), comma(changedCents), comma(changedCents - shopCents)]],
        );
        assert.equal(rows.length, others.length + 1);

        // The order search: the amount the koppeling booked (the ledger's, not the one changed by hand).
        await page.fill(".ccv-koppeling-search-input", String(ordernumber));
        await page.click(".ccv-koppeling-search-button");
        const amount = page.locator(`.ccv-koppeling-search-result[data-ordernumber="${ordernumber}"] .ccv-koppeling-booked .ccv-koppeling-amount`);
        await amount.waitFor();
        assert.equal(await amount.getAttribute("data-cents"), String(shopCents));
        assert.equal(await amount.innerText(), TEXT.search.amount.replace("__amount__", shopText));

        // A month long before the shop's history: nothing to compare, said so (not "all 0 documents").
        const empty = "2001-01";
        await page.fill(".ccv-koppeling-controle-month", empty);
        await section.locator("button.ccv-koppeling-controle-run").click();
        const emptyText = TEXT.controle.nothingDue.replace("__period__", await page.evaluate((l: string) => new Date(2001, 0, 1).toLocaleDateString(l, { month: "long", year: "numeric" }), TEXT.sidebar.locale));
        await section.locator(".ccv-koppeling-controle-summary", { hasText: emptyText }).waitFor({ timeout: 60_000 });
        assert.equal(await section.locator(".ccv-koppeling-controle-summary").innerText(), emptyText);
        assert.equal(await section.locator(".ccv-koppeling-controle-counts li").count(), 0, "no findings");
        assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
        changed = { ordernumber, month, shopCents, changedCents, equal: others.length };
      });

      it("set to Dutch (nl): the sidebar's texts are Dutch, and so are its amounts and month, though Node-RED's own language stays en-US", async function () {
        this.timeout(60_000);
        assert.ok(koppeling && browser && page && changed);
        const { ordernumber, month, shopCents, changedCents, equal } = changed;
        await page.evaluate(() => (globalThis as unknown as PageStorage).localStorage.setItem("editor-language", "nl"));
        try {
          page = await browser.open(koppeling.url);
          await openSidebar(page);
          const lang = await page.evaluate(() => (globalThis as unknown as { RED: { i18n: { lang(): string } } }).RED.i18n.lang());
          assert.equal(lang, "en-US", "Node-RED has no Dutch of its own");
          const section = page.locator('.ccv-koppeling-section[data-section="controle"]');
          assert.equal((await section.locator(".ccv-koppeling-section-header").innerText()).trim(), NL.controle.title);

          await page.fill(".ccv-koppeling-search-input", String(ordernumber));
          await page.click(".ccv-koppeling-search-button");
          const amount = page.locator(`.ccv-koppeling-search-result[data-ordernumber="${ordernumber}"] .ccv-koppeling-amount`);
          await amount.waitFor();
          const shopText = await euro(page, shopCents, NL.sidebar.locale);
          assert.match(shopText, /^€\s\d+,\d\d$/, "Dutch euros: a space and a decimal comma");
          assert.equal(await amount.innerText(), NL.search.amount.replace("__amount__", shopText));

          await section.scrollIntoViewIfNeeded();
          await page.fill(".ccv-koppeling-controle-month", month);
          await section.locator("button.ccv-koppeling-controle-run").click();
          const summary = section.locator(".ccv-koppeling-controle-summary");
          await summary.waitFor({ timeout: 60_000 });
          const [y, m] = month.split("-").map(Number);
          const monthText = await page.evaluate(([yy, mm, l]) => new Date(yy, mm - 1, 1).toLocaleDateString(l, { month: "long", year: "numeric" }), [y, m, NL.sidebar.locale] as [number, number, string]);
          assert.match(monthText, /^[a-z]+ \d{4}$/, "a Dutch month is written in lower case");
          assert.equal(await summary.innerText(), NL.controle.summary.replace("__period__", monthText).replace("__equal__", String(equal)).replace("__count__", "1"));
          const amounts = section.locator(".ccv-koppeling-controle-line .ccv-koppeling-amounts");
          assert.equal(await amounts.innerText(), NL.controle.amounts.replace("__shop__", shopText).replace("__snelstart__", await euro(page, changedCents, NL.sidebar.locale)));
          assert.equal(await section.locator(".ccv-koppeling-controle-line .ccv-koppeling-reason").innerText(), NL.controle.findings["amount-differs"].reason);
          await browser.settled(page);
          await section.scrollIntoViewIfNeeded();
          await browser.shot(page, `${prefix}-5-nl-controle`);
          assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
        } finally {
          if (page && !page.isClosed()) await page.evaluate(() => (globalThis as unknown as PageStorage).localStorage.removeItem("editor-language"));
        }
      });
    });
  }
});
