/**
 * Issue 5, the editor in a real browser (part 2 of 2): the configuration dialogs against the
 * simulators, and the help sidebar; and both in Dutch when the editor is set to Dutch (nl).
 *
 * One Node-RED for the file with the example flow deployed, pointed at both simulators (with
 * credentials), Debian's Chromium driven by playwright-core, a fresh page per test. The dialogs
 * are opened with the editor's own API (`RED.editor.editConfig`), their buttons clicked.
 * Dialogs are cancelled, nothing is deployed from the browser. Screenshots go to
 * `test-artifacts/editor-*.png`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { EXAMPLE_IDS, ROOT, startKoppeling, type KoppelingRuntime } from "../../scripts/node-red-runtime";
import { SIM_CREDENTIALS } from "../../sim/cli";
import { WEBSHOP } from "../../sim/ccv/catalog";
import { GROOTBOEKEN, simLedgerId } from "../../sim/snelstart/data";
import { renderCompanyInfo } from "../../sim/snelstart/reference";
import { launchEditorBrowser, slug, type EditorBrowser, type PageElement, type PageWindow } from "./browser";

type Messages = Record<string, Record<string, Record<string, string>>>;
const messages = (type: string, lang = "en-US"): Record<string, Record<string, string>> =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, "nodes", "locales", lang, `${type}.json`), "utf8")) as Messages)[type];

/** The types of the package whose help the tests read. */
const TYPES = ["ccv-orders-in", "ccv-config", "snelstart-config", "vat-mapping", "vat-mapper", "snelstart-debtor", "snelstart-invoice", "ccv-snelstart-report", "ccv-snelstart-reconcile"];

/** The editor page's local storage, where Node-RED keeps the user's language (`editor-language`). */
interface PageStorage {
  localStorage: { setItem(key: string, value: string): void; removeItem(key: string): void };
}

/** The help of `type` as written in nodes/locales/<lang>/<type>.html: its section headings and first paragraph (text). */
function helpSource(type: string, lang = "en-US"): { sections: string[]; intro: string } {
  const html = fs.readFileSync(path.join(ROOT, "nodes", "locales", lang, `${type}.html`), "utf8");
  const m = new RegExp(`<script type="text/html" data-help-name="${type}">([\\s\\S]*?)</script>`).exec(html);
  assert.ok(m, `nodes/locales/${lang}/${type}.html has no help`);
  const text = (s: string) =>
    s
      .replace(/<[^>]+>/g, "")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&")
      .replace(/\s+/g, " ")
      .trim();
  return { sections: [...m[1].matchAll(/<h3>([\s\S]*?)<\/h3>/g)].map((h) => text(h[1])), intro: text(/<p>([\s\S]*?)<\/p>/.exec(m[1])?.[1] ?? "") };
}

describe("editor (real browser): configuration dialogs and help", function () {
  let koppeling: KoppelingRuntime | undefined;
  let browser: EditorBrowser | undefined;
  let page: Page | undefined;

  before(async function () {
    this.timeout(90_000);
    browser = await launchEditorBrowser();
    koppeling = await startKoppeling({ orders: 5 });
  });

  after(async function () {
    this.timeout(30_000);
    await browser?.close();
    await koppeling?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === "failed" && page && !page.isClosed()) {
      await browser?.shot(page, `editor-FAILED-${slug(this.currentTest.title)}`).catch(() => undefined);
    }
  });

  /** Opens the deployed config node `id` in its edit dialog. */
  async function editConfig(p: Page, type: string, id: string): Promise<void> {
    await p.evaluate(([t, i]) => (globalThis as unknown as PageWindow).RED.editor.editConfig("", t, i), [type, id] as const);
    await p.locator(".red-ui-tray .red-ui-tray-header", { hasText: type }).waitFor();
  }

  async function cancelDialog(p: Page): Promise<void> {
    await p.click("#node-config-dialog-cancel");
    await p.locator(".red-ui-tray").waitFor({ state: "detached" });
  }

  it("the vat-mapping dialog fills its ledger dropdowns from the SnelStart simulator and shows the mapping check", async function () {
    this.timeout(45_000);
    assert.ok(koppeling && browser);
    page = await browser.open(koppeling.url, EXAMPLE_IDS.mapping);
    const company = renderCompanyInfo(koppeling.snelstart.state) as { administratieNaam: string; factureerBuitenlandsBtw: boolean };
    const text = messages("vat-mapping");
    await editConfig(page, "vat-mapping", EXAMPLE_IDS.mapping);

    // The administration line: name and OSS setting, read through ccv-snelstart/snelstart/lookups.
    const admin = page.locator("#ccv-snelstart-mapping-admin");
    await page.locator("#ccv-snelstart-mapping-admin.ccv-snelstart-ok, #ccv-snelstart-mapping-admin.ccv-snelstart-fail").waitFor();
    assert.equal(
      ((await admin.textContent()) ?? "").trim(),
      `${company.administratieNaam} — ${company.factureerBuitenlandsBtw ? text.lookup.ossOn : text.lookup.ossOff}`,
    );
    assert.match((await admin.getAttribute("class")) ?? "", /ccv-snelstart-ok/);

    // The ledgerHoog dropdown: every active ledger of the simulator, the deployed choice (8000) selected.
    const hoog = page.locator("#ccv-snelstart-sel-ledgerHoog");
    await hoog.waitFor();
    const options = await hoog.locator("option").evaluateAll((els: unknown[]) => (els as PageElement[]).map((e) => ({ value: e.getAttribute("value") ?? "", text: (e.textContent ?? "").trim() })));
    const active = GROOTBOEKEN.filter((g) => !g.nonactief);
    assert.deepEqual(
      options.map((o) => o.value).sort(),
      ["", "__manual__", ...active.map((g) => g.id)].sort(),
      "the options are the simulator's active ledgers, plus none and manual entry",
    );
    const g8000 = GROOTBOEKEN.find((g) => g.nummer === 8000);
    assert.ok(g8000);
    const opt8000 = options.find((o) => o.value === simLedgerId(8000));
    assert.ok(opt8000, "ledger 8000 is offered");
    assert.ok(opt8000.text.startsWith(`8000 ${g8000.omschrijving}`), `the 8000 option reads "${opt8000.text}"`);
    assert.equal(await hoog.inputValue(), simLedgerId(8000), "the deployed mapping's ledger is selected");
    const inactive = GROOTBOEKEN.find((g) => g.nonactief);
    if (inactive) assert.ok(!options.some((o) => o.value === inactive.id), `inactive ledger ${inactive.nummer} is not offered`);
    const fitting = await hoog.locator("optgroup").first().locator("option").allTextContents();
    assert.ok(fitting.some((t) => t.startsWith("8000 ")), `8000 is among the fitting ledgers: ${fitting.join(", ")}`);
    assert.equal(await page.locator("#ccv-snelstart-sel-ledgerLaag").inputValue(), simLedgerId(8010));

    // The check (ccv-snelstart/mapping/validate): the deployed mapping has no problems.
    const problems = page.locator("#ccv-snelstart-mapping-problems");
    await problems.locator("div").first().waitFor();
    assert.equal(await problems.locator(".ccv-snelstart-fail").count(), 0, `problems: ${await problems.innerText()}`);
    assert.equal(((await problems.locator(".ccv-snelstart-ok").textContent()) ?? "").trim(), text.validate.ok);
    await browser.adminIdle(page); // the lookups' check and the debounced one after the foreign-VAT default
    assert.equal(await problems.locator(".ccv-snelstart-fail").count(), 0, `problems: ${await problems.innerText()}`);
    await browser.settled(page);
    await browser.shot(page, "editor-3-vat-mapping-ledgers");
    await problems.scrollIntoViewIfNeeded();
    await browser.shot(page, "editor-3-vat-mapping-check-ok");

    // Choosing a ledger that refuses VAT Hoog (1000 Kas allows only Geen) makes the check report it.
    const kas = GROOTBOEKEN.find((g) => g.nummer === 1000);
    assert.ok(kas && !kas.btwSoort.includes("Hoog"));
    await hoog.selectOption(kas.id);
    assert.equal(await page.locator("#node-config-input-ledgerHoog").inputValue(), kas.id, "the choice lands in the hidden field");
    const error = problems.locator(".ccv-snelstart-fail");
    await error.first().waitFor();
    await browser.adminIdle(page);
    assert.equal(await problems.locator(".ccv-snelstart-ok").count(), 0, "no stale 'no problems' after the change");
    const errorText = await error.first().innerText();
    assert.match(errorText, /\b1000\b/, errorText);
    assert.match(errorText, /BOE-0082/, errorText);
    await problems.scrollIntoViewIfNeeded();
    await browser.shot(page, "editor-3-vat-mapping-problem");
    await cancelDialog(page);
    assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
  });

  it("the mapping check shows the result for the latest choice, also when an older check answers later", async function () {
    this.timeout(45_000);
    assert.ok(koppeling && browser);
    page = await browser.open(koppeling.url, EXAMPLE_IDS.mapping);
    const kas = GROOTBOEKEN.find((g) => g.nummer === 1000);
    assert.ok(kas);
    // Checks of the deployed mapping (ledgerHoog 8000) answer 1.5 s late; the check of the new choice at once.
    let delayed = 0;
    await page.route("**/ccv-snelstart/mapping/validate", async (route) => {
      const posted = route.request().postDataJSON() as { mapping?: { ledgerHoog?: string } };
      if (posted.mapping?.ledgerHoog !== kas.id) {
        delayed += 1;
        await new Promise((r) => setTimeout(r, 1500));
      }
      await route.continue();
    });
    await editConfig(page, "vat-mapping", EXAMPLE_IDS.mapping);
    await page.locator("#ccv-snelstart-mapping-admin.ccv-snelstart-ok").waitFor();
    await page.locator("#ccv-snelstart-sel-ledgerHoog").selectOption(kas.id);
    const problems = page.locator("#ccv-snelstart-mapping-problems");
    await problems.locator(".ccv-snelstart-fail").first().waitFor();
    await browser.adminIdle(page);
    assert.ok(delayed > 0, "an older check was answered late");
    assert.equal(await problems.locator(".ccv-snelstart-ok").count(), 0, `the late answer for the old mapping replaced the current result: ${await problems.innerText()}`);
    assert.match(await problems.innerText(), /\b1000\b.*BOE-0082/s);
    await page.unrouteAll({ behavior: "ignoreErrors" });
    await cancelDialog(page);
    assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
  });

  it("Test connection shows the SnelStart administration's name, and the CCV Shop's name; wrong keys show the reason", async function () {
    this.timeout(45_000);
    assert.ok(koppeling && browser);
    page = await browser.open(koppeling.url, EXAMPLE_IDS.snelstartConfig);
    const company = renderCompanyInfo(koppeling.snelstart.state) as { administratieNaam: string; factureerBuitenlandsBtw: boolean };
    assert.ok(company.administratieNaam.length > 0);

    // SnelStart: the stored keys (the dialog shows the __PWRD__ placeholder for the secret ones).
    const ss = messages("snelstart-config");
    await editConfig(page, "snelstart-config", EXAMPLE_IDS.snelstartConfig);
    const ssResult = page.locator("#node-config-snelstart-test-result");
    await page.click("#node-config-snelstart-test");
    await page.locator("#node-config-snelstart-test-result.ccv-snelstart-ok, #node-config-snelstart-test-result.ccv-snelstart-fail").waitFor();
    const ssText = ((await ssResult.textContent()) ?? "").trim();
    assert.match((await ssResult.getAttribute("class")) ?? "", /ccv-snelstart-ok/, ssText);
    assert.ok(ssText.includes(company.administratieNaam), `"${ssText}" names the administration ${company.administratieNaam}`);
    assert.equal(ssText, `${ss.test.ok.replace("__name__", company.administratieNaam)} — ${company.factureerBuitenlandsBtw ? ss.test.ossOn : ss.test.ossOff}`);
    await browser.shot(page, "editor-4-snelstart-test-connection");
    // The form's values count, not only the stored ones: a wrong koppelsleutel is refused.
    await page.fill("#node-config-input-koppelsleutel", `not-${SIM_CREDENTIALS.koppelsleutel}`);
    await page.click("#node-config-snelstart-test");
    await page.locator("#node-config-snelstart-test-result.ccv-snelstart-fail").waitFor();
    assert.match(((await ssResult.textContent()) ?? "").trim(), /^SNELSTART_AUTH: /);
    await cancelDialog(page);

    // CCV Shop.
    const ccv = messages("ccv-config");
    await editConfig(page, "ccv-config", EXAMPLE_IDS.ccvConfig);
    const ccvResult = page.locator("#node-config-ccv-test-result");
    await page.click("#node-config-ccv-test");
    await page.locator("#node-config-ccv-test-result.ccv-snelstart-ok, #node-config-ccv-test-result.ccv-snelstart-fail").waitFor();
    const ccvText = ((await ccvResult.textContent()) ?? "").trim();
    assert.match((await ccvResult.getAttribute("class")) ?? "", /ccv-snelstart-ok/, ccvText);
    assert.equal(ccvText, ccv.test.ok.replace("__name__", WEBSHOP.name));
    await browser.shot(page, "editor-4-ccv-test-connection");
    await page.fill("#node-config-input-secret", `not-${SIM_CREDENTIALS.ccvSecret}`);
    await page.click("#node-config-ccv-test");
    await page.locator("#node-config-ccv-test-result.ccv-snelstart-fail").waitFor();
    assert.match(((await ccvResult.textContent()) ?? "").trim(), /^CCV_AUTH: /);
    await cancelDialog(page);
    assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
  });

  it("a node's help renders in the help sidebar: select ccv-orders-in, open the help tab; every type's help shows its sections", async function () {
    this.timeout(45_000);
    assert.ok(koppeling && browser);
    page = await browser.open(koppeling.url, EXAMPLE_IDS.ordersIn);

    // Select the node on the canvas with a click, then open the help sidebar with its tab button.
    await page.locator(`#red-ui-workspace-chart g.red-ui-flow-node[id="${EXAMPLE_IDS.ordersIn}"] rect.red-ui-flow-node`).click();
    const selected = await page.evaluate(() => ((globalThis as unknown as PageWindow).RED.view.selection().nodes ?? []).map((n) => n.id));
    assert.deepEqual(selected, [EXAMPLE_IDS.ordersIn], "the click selects the node");
    await page.click("#red-ui-tab-help-link-button");
    const help = page.locator(".red-ui-sidebar-help-stack");
    const paletteLabel = (await page.locator('.red-ui-palette-node[data-palette-type="ccv-orders-in"]').getAttribute("data-palette-label")) ?? "";
    await help.locator(".red-ui-help-title", { hasText: paletteLabel }).waitFor();
    const shown = async () => ({
      title: ((await help.locator(".red-ui-help-title").textContent()) ?? "").trim(),
      sections: (await help.locator(".red-ui-help h3").allTextContents()).map((t) => t.trim()),
      intro: ((await help.locator(".red-ui-help p").first().textContent()) ?? "").replace(/\s+/g, " ").trim(),
    });
    const ordersIn = await shown();
    const source = helpSource("ccv-orders-in");
    assert.equal(ordersIn.title, paletteLabel);
    assert.ok(ordersIn.sections.includes("Inputs") && ordersIn.sections.includes("Outputs"), `sections shown: ${ordersIn.sections.join(", ")}`);
    assert.deepEqual(ordersIn.sections, source.sections);
    assert.equal(ordersIn.intro, source.intro);
    await browser.shot(page, "editor-5-help-ccv-orders-in");

    // Every type of the package: its help, as written, through RED.sidebar.help.show.
    for (const type of TYPES.filter((t) => t !== "ccv-orders-in")) {
      await page.evaluate((t: string) => (globalThis as unknown as PageWindow).RED.sidebar.help.show(t), type);
      const src = helpSource(type);
      await help.locator(".red-ui-help p", { hasText: src.intro.slice(0, 40) }).first().waitFor();
      const h = await shown();
      assert.deepEqual(h.sections, src.sections, `help sections of ${type}`);
      assert.equal(h.intro, src.intro, `help intro of ${type}`);
    }
    assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
  });

  it("set to Dutch (nl), the editor shows the dialogs and every node's help in Dutch", async function () {
    this.timeout(60_000);
    assert.ok(koppeling && browser);
    const b = browser;
    // Node-RED's language setting lives in the page's local storage; Dutch is not in its own list
    // (the editor itself has no Dutch), so this is what "Browser default" with a Dutch browser gives.
    page = await b.open(koppeling.url, EXAMPLE_IDS.ordersIn);
    await page.evaluate(() => (globalThis as unknown as PageStorage).localStorage.setItem("editor-language", "nl"));
    try {
      page = await b.open(koppeling.url, EXAMPLE_IDS.ordersIn);
      const p = page;
      const help = p.locator(".red-ui-sidebar-help-stack");
      await p.click("#red-ui-tab-help-link-button");
      for (const type of TYPES) {
        const nl = helpSource(type, "nl");
        const en = helpSource(type);
        assert.notEqual(nl.intro, en.intro, `${type}: the Dutch help is the English one`);
        await p.evaluate((t: string) => (globalThis as unknown as PageWindow).RED.sidebar.help.show(t), type);
        await help.locator(".red-ui-help p", { hasText: nl.intro.slice(0, 40) }).first().waitFor();
        const sections = (await help.locator(".red-ui-help h3").allTextContents()).map((t) => t.trim());
        const intro = ((await help.locator(".red-ui-help p").first().textContent()) ?? "").replace(/\s+/g, " ").trim();
        assert.deepEqual(sections, nl.sections, `help sections of ${type}`);
        assert.equal(intro, nl.intro, `help intro of ${type}`);
        if (type === "ccv-orders-in") await b.shot(p, "editor-6-nl-help-ccv-orders-in");
      }

      // A configuration dialog: its labels and button from the nl catalogue.
      const ss = messages("snelstart-config", "nl");
      assert.notEqual(ss.label.tier, messages("snelstart-config").label.tier);
      await editConfig(p, "snelstart-config", EXAMPLE_IDS.snelstartConfig);
      assert.equal(((await p.locator('label[for="node-config-input-tier"]').textContent()) ?? "").trim(), ss.label.tier);
      assert.equal(((await p.locator("#node-config-snelstart-test").textContent()) ?? "").trim(), ss.test.button);
      assert.equal(((await p.locator('#node-config-input-tier option[value="production"]').textContent()) ?? "").trim(), ss.tier.production);
      await b.shot(p, "editor-6-nl-snelstart-config");
      // A refused key: the code, its reason and what to do in Dutch (the sidebar's nl catalogue), then the runtime's message.
      const nlCodes = (JSON.parse(fs.readFileSync(path.join(ROOT, "nodes", "locales", "nl", "koppeling-sidebar.json"), "utf8")) as { codes: Record<string, { reason: string; action: string }> }).codes;
      await p.fill("#node-config-input-koppelsleutel", `not-${SIM_CREDENTIALS.koppelsleutel}`);
      await p.click("#node-config-snelstart-test");
      const refused = p.locator("#node-config-snelstart-test-result.ccv-snelstart-fail");
      await refused.waitFor();
      const refusedText = ((await refused.textContent()) ?? "").trim();
      assert.ok(refusedText.startsWith(`SNELSTART_AUTH: ${nlCodes.SNELSTART_AUTH.reason} ${nlCodes.SNELSTART_AUTH.action} (`), refusedText);
      await cancelDialog(p);
      assert.deepEqual(b.takePageErrors(), [], "uncaught errors in the editor page");
    } finally {
      if (page && !page.isClosed()) await page.evaluate(() => (globalThis as unknown as PageStorage).localStorage.removeItem("editor-language"));
    }
  });
});
