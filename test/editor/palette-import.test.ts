/**
 * Issue 5, the editor in a real browser (part 1 of 2): the palette and the example flow.
 *
 * One Node-RED for the file (the package installed from its `npm pack` tarball, an empty
 * workspace: `deploy: false`), Debian's Chromium driven by playwright-core, a fresh page per test.
 * Screenshots go to `test-artifacts/editor-*.png`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { EXAMPLE_FILE, PACKAGE_NAME, ROOT, startKoppeling, type FlowNode, type KoppelingRuntime } from "../../scripts/node-red-runtime";
import { launchEditorBrowser, slug, type EditorBrowser, type PageWindow } from "./browser";

const CATEGORY = "CCV Shop SnelStart";
const FLOW_TYPES = ["ccv-orders-in", "snelstart-debtor", "vat-mapper", "snelstart-invoice", "ccv-snelstart-report", "ccv-snelstart-reconcile"];
const CONFIG_TYPES = ["ccv-config", "snelstart-config", "vat-mapping"];
const ICON_FILES = fs.readdirSync(path.join(ROOT, "icons")).filter((f) => f.endsWith(".svg") || f.endsWith(".png"));
const EXAMPLE = JSON.parse(fs.readFileSync(EXAMPLE_FILE, "utf8")) as FlowNode[];

describe("editor (real browser): palette and example import", function () {
  let koppeling: KoppelingRuntime | undefined;
  let browser: EditorBrowser | undefined;
  let page: Page | undefined;

  before(async function () {
    this.timeout(90_000);
    // First the browser: a missing Chromium fails here at once, with the apt-get hint.
    browser = await launchEditorBrowser();
    koppeling = await startKoppeling({ deploy: false, orders: 5 });
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

  it("the package's node types are registered: the flow nodes in the palette under its category, each with its icon loaded", async function () {
    this.timeout(45_000);
    assert.ok(koppeling && browser);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { "node-red": { nodes: Record<string, string> } };
    assert.deepEqual([...FLOW_TYPES, ...CONFIG_TYPES].sort(), Object.keys(pkg["node-red"].nodes).sort(), "the test's type list is the package's");
    page = await browser.open(koppeling.url);

    // Registered types, as the editor sees them.
    const defs = await page.evaluate((types: string[]) => {
      const { RED } = globalThis as unknown as PageWindow;
      return types.map((t) => ({ type: t, registered: RED.nodes.getType(t) != null, category: RED.nodes.getType(t)?.category ?? null }));
    }, [...FLOW_TYPES, ...CONFIG_TYPES]);
    for (const d of defs) {
      assert.ok(d.registered, `RED.nodes.getType("${d.type}") is not registered in the editor`);
      assert.equal(d.category, CONFIG_TYPES.includes(d.type) ? "config" : CATEGORY, `category of ${d.type}`);
    }

    // The palette: our category, with exactly the flow nodes; no config node anywhere in it.
    const palette = await page.evaluate((category: string) => {
      const w = globalThis as unknown as PageWindow;
      const cats = Array.from(w.document.querySelectorAll(".red-ui-palette-category"));
      const ours = cats.find((c) => (c.querySelector(".red-ui-palette-header")?.textContent ?? "").trim() === category);
      const entries = ours ? Array.from(ours.querySelectorAll(".red-ui-palette-node")) : [];
      return {
        categoryId: ours?.id ?? null,
        allTypes: Array.from(w.document.querySelectorAll(".red-ui-palette-node")).map((n) => n.getAttribute("data-palette-type") ?? ""),
        entries: entries.map((n) => {
          const icon = n.querySelector(".red-ui-palette-icon");
          return {
            type: n.getAttribute("data-palette-type") ?? "",
            label: (n.querySelector(".red-ui-palette-label")?.textContent ?? "").replace(/\s+/g, " ").trim(),
            iconAttr: n.querySelector(".red-ui-palette-icon-container")?.getAttribute("data-palette-icon") ?? "",
            background: icon ? w.getComputedStyle(icon).backgroundImage : "",
          };
        }),
      };
    }, CATEGORY);
    assert.ok(palette.categoryId, `no palette category "${CATEGORY}"`);
    assert.deepEqual(palette.entries.map((e) => e.type).sort(), [...FLOW_TYPES].sort(), `the palette category "${CATEGORY}" holds exactly the flow nodes`);
    for (const t of CONFIG_TYPES) assert.ok(!palette.allTypes.includes(t), `config node ${t} must not be in the palette`);

    // Each entry's icon: one of our icon files, served with 200 and the same bytes, and decodable as an image.
    for (const e of palette.entries) {
      assert.ok(e.label.length > 0, `${e.type} has no palette label`);
      const m = /^url\("?(.*?)"?\)$/.exec(e.background);
      assert.ok(m, `${e.type}: the palette icon has no background image (${e.background || "none"})`);
      const iconUrl: URL = new URL(m[1], koppeling.url + "/");
      const file = decodeURIComponent(iconUrl.pathname.split("/").pop() ?? "");
      assert.ok(ICON_FILES.includes(file), `${e.type}: icon ${iconUrl.pathname} is not one of the package's icons (${ICON_FILES.join(", ")})`);
      assert.equal(iconUrl.pathname, `/icons/${PACKAGE_NAME}/${file}`, `${e.type}: icon served from the package`);
      assert.equal(e.iconAttr, `icons/${PACKAGE_NAME}/${file}`);
      const r = await fetch(iconUrl);
      assert.equal(r.status, 200, `${e.type}: GET ${iconUrl.pathname}`);
      assert.match(r.headers.get("content-type") ?? "", /^image\//, `${e.type}: content type of ${file}`);
      assert.ok(Buffer.from(await r.arrayBuffer()).equals(fs.readFileSync(path.join(ROOT, "icons", file))), `${e.type}: ${file} served differs from icons/${file}`);
      const width = await page.evaluate(async (src: string) => {
        const img = new (globalThis as unknown as PageWindow).Image();
        img.src = src;
        await img.decode();
        return img.naturalWidth;
      }, iconUrl.href);
      assert.ok(width > 0, `${e.type}: the browser could not decode ${file}`);
    }
    // Every flow node has its own icon.
    assert.equal(new Set(palette.entries.map((e) => e.iconAttr)).size, FLOW_TYPES.length, "each flow node has a distinct icon");

    // Screenshot: all categories collapsed, ours open.
    await page.click("#red-ui-palette .red-ui-component-footer button:has(i.fa-angle-double-up)");
    await page.locator(`#${palette.categoryId} .red-ui-palette-header`).click();
    await page.locator(`#${palette.categoryId} .red-ui-palette-node[data-palette-type="ccv-snelstart-report"]`).waitFor({ state: "visible" });
    await browser.settled(page);
    await browser.shot(page, "editor-1-palette");
    await browser.shot(page, "editor-1-palette-category", `#${palette.categoryId}`);
    assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
  });

  it("importing the example through the menu (Import → Examples → the package → CCV Shop to SnelStart) puts the whole flow in the workspace", async function () {
    this.timeout(45_000);
    assert.ok(koppeling && browser);
    page = await browser.open(koppeling.url);
    const tab = EXAMPLE.find((n) => n.type === "tab");
    assert.ok(tab, "the example has a flow tab");
    const flowNodes = EXAMPLE.filter((n) => n.z === tab.id);
    const configNodes = EXAMPLE.filter((n) => n.type !== "tab" && n.z === undefined);
    assert.deepEqual(configNodes.map((n) => n.type).sort(), [...CONFIG_TYPES].sort(), "the example's config nodes");
    const before = await page.evaluate((ids: string[]) => ids.filter((id) => (globalThis as unknown as PageWindow).RED.nodes.node(id) != null), EXAMPLE.map((n) => n.id));
    assert.deepEqual(before, [], "the workspace starts without the example's nodes");

    // The menu, the Import dialog, its Examples tab, the package's folder, the example.
    await page.click("#red-ui-header-button-sidemenu");
    await page.click("#menu-item-import");
    const dialog = page.locator("#red-ui-clipboard-dialog");
    await dialog.waitFor({ state: "visible" });
    await page.getByRole("link", { name: "Examples", exact: true }).click();
    const examples = page.locator("#red-ui-clipboard-dialog-import-tab-examples");
    await examples.locator(".red-ui-treeList-label", { hasText: "node-red" }).first().waitFor(); // the tree is loaded
    const listed = (await examples.locator(".red-ui-treeList-label-text").allTextContents()).map((t) => t.trim());
    assert.ok(listed.includes(PACKAGE_NAME), `Import → Examples does not list ${PACKAGE_NAME} (is examples/ in the package's "files"?): ${listed.join(", ")}`);
    await examples.locator(".red-ui-treeList-label", { hasText: PACKAGE_NAME }).click();
    await examples.locator(".red-ui-treeList-label", { hasText: "CCV Shop to SnelStart" }).click();
    await page.locator("#red-ui-clipboard-dialog-ok:not(.disabled)").waitFor();
    await browser.shot(page, "editor-2-import-examples");
    await page.click("#red-ui-clipboard-dialog-ok");
    await dialog.waitFor({ state: "hidden" });
    const notice = page.locator(".red-ui-notification", { hasText: "Imported" }).first();
    await notice.waitFor();
    const noticeText = (await notice.innerText()).replace(/\s+/g, " ");
    assert.match(noticeText, new RegExp(`\\b${flowNodes.length} nodes\\b`), `the import notice counts the example's ${flowNodes.length} nodes: ${noticeText}`);
    assert.match(noticeText, new RegExp(`\\b${configNodes.length} configuration nodes\\b`), `the import notice counts ${configNodes.length} config nodes: ${noticeText}`);

    // In RED.nodes: the tab, every flow node and the three config nodes, with their types (all known).
    const imported = await page.evaluate(() => {
      const { RED } = globalThis as unknown as PageWindow;
      const nodes: Array<{ id: string; type: string; z: string; known: boolean }> = [];
      RED.nodes.eachNode((n) => nodes.push({ id: n.id, type: n.type, z: n.z ?? "", known: RED.nodes.getType(n.type) != null }));
      const configs: Array<{ id: string; type: string }> = [];
      RED.nodes.eachConfig((n) => configs.push({ id: n.id, type: n.type }));
      const tabs: Array<{ id: string; label: string }> = [];
      RED.nodes.eachWorkspace((w) => tabs.push({ id: w.id, label: w.label ?? "" }));
      return { nodes, configs, tabs, dirty: RED.nodes.dirty() };
    });
    assert.ok(
      imported.tabs.some((t) => t.id === tab.id && t.label === tab.label),
      `the flow tab "${String(tab.label)}" was not imported: ${JSON.stringify(imported.tabs)}`,
    );
    const got = new Map(imported.nodes.map((n) => [n.id, n]));
    for (const n of flowNodes) {
      const g = got.get(n.id);
      assert.ok(g, `node ${n.id} (${n.type}) was not imported`);
      assert.equal(g.type, n.type, `type of ${n.id}`);
      assert.equal(g.z, tab.id, `${n.id} is on the example's tab`);
      assert.ok(g.known, `node type ${n.type} is unknown to the editor`);
    }
    for (const c of configNodes) assert.ok(imported.configs.some((x) => x.id === c.id && x.type === c.type), `config node ${c.type} ${c.id} was not imported`);
    assert.ok(imported.dirty, "the import leaves undeployed changes");

    // In the DOM: the tab, and on it every node drawn; our nodes with our icons.
    await page.locator(`#red-ui-workspace-tabs li[id="red-ui-tab-${tab.id}"] a`).click();
    await page.waitForFunction((id: string) => (globalThis as unknown as PageWindow).RED.workspaces.active() === id, tab.id);
    const drawn = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      return Array.from(w.document.querySelectorAll("#red-ui-workspace-chart g.red-ui-flow-node")).map((g) => ({
        id: g.id,
        text: (g.textContent ?? "").trim(),
        icon: g.querySelector("image.red-ui-flow-node-icon")?.getAttribute("xlink:href") ?? g.querySelector("image.red-ui-flow-node-icon")?.getAttribute("href") ?? "",
      }));
    });
    const drawnById = new Map(drawn.map((d) => [d.id, d]));
    for (const n of flowNodes) assert.ok(drawnById.has(n.id), `node ${n.id} (${n.type}) is not drawn on the canvas`);
    for (const type of FLOW_TYPES) {
      const n = flowNodes.find((x) => x.type === type);
      assert.ok(n, `the example uses ${type}`);
      const d = drawnById.get(n.id);
      assert.ok(d, `${type} drawn`);
      assert.ok(d.text.length > 0, `${type} has a label on the canvas`);
      assert.match(d.icon, new RegExp(`icons/${PACKAGE_NAME.replace(/[/.]/g, "\\$&")}/[^/]+\\.svg$`), `${type} on the canvas shows its package icon`);
    }
    await notice.click(); // dismisses it
    await notice.waitFor({ state: "hidden" });
    await page.click("#red-ui-view-zoom-out");
    await browser.settled(page);
    await browser.shot(page, "editor-2-imported-flow");
    assert.deepEqual(browser.takePageErrors(), [], "uncaught errors in the editor page");
  });
});
