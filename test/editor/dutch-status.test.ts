/**
 * Issue 13 (Dutch), in a real browser on Node-RED 4.1 and on Node-RED 5: a runtime set to Dutch
 * (settings.js `lang: "nl"`, as the README's "Nederlands" tells the owner) and an editor set to
 * Dutch. After the example's first run (the deploy's, one order of which CCV Shop sends broken,
 * broken in the simulator before the flow is deployed), the statuses under the nodes are Dutch:
 * those with numbers as the runtime wrote them, those without as the editor translated their keys
 * (docs/design.md#dutch-status-texts-and-error-messages); and the failed order's
 * msg.error.message, as the report node passed it on, starts with the code's Dutch reason.
 * Screenshots go to `test-artifacts/dutch-status-*.png`.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { EXAMPLE_FILE, EXAMPLE_IDS, ROOT, startKoppeling, type KoppelingRuntime } from "../../scripts/node-red-runtime";
import { dueSettings } from "../../src/koppeling/due";
import { NODE_RED_VERSIONS, editorBrowserFor } from "./browser";

type Texts = Record<string, string>;
/** The status texts of a node set in a language, as its catalogue has them. */
const statusTexts = (set: string, lang: string): Texts =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, "nodes", "locales", lang, `${set}.json`), "utf8")) as Record<string, { statusText: Texts }>)[set].statusText;
/** The Dutch reason of an error code, as the sidebar's catalogue has it. */
const dutchReason = (code: string): string =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, "nodes", "locales", "nl", "koppeling-sidebar.json"), "utf8")) as { codes: Record<string, { reason: string }> }).codes[code].reason;

/** A status text of the catalogue as a pattern: its numbers any digits, its time HH:MM. */
function pattern(text: string): RegExp {
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/__(\w+)__/g, (_m: string, name: string) => (name === "at" ? "\\d\\d:\\d\\d" : "\\d+"))}$`);
}

/** The page's local storage, where Node-RED keeps the user's language (`editor-language`). */
interface PageStorage {
  localStorage: { setItem(key: string, value: string): void };
}

describe("editor (real browser): node statuses in Dutch", function () {
  const editor = editorBrowserFor("dutch-status");

  for (const version of NODE_RED_VERSIONS) {
    describe(version.name, function () {
      let koppeling: KoppelingRuntime | undefined;

      after(async function () {
        this.timeout(30_000);
        await koppeling?.stop();
      });

      it("with the runtime and the editor in Dutch, the statuses after a run and a failed order's message are Dutch", async function () {
        this.timeout(150_000);
        // The example's schedule runs once at deploy: one order it books is broken before the flow is deployed.
        const example = (JSON.parse(fs.readFileSync(EXAMPLE_FILE, "utf8")) as Array<Parameters<typeof dueSettings>[0] & { id: string }>).find((n) => n.id === EXAMPLE_IDS.ordersIn);
        assert.ok(example, "the example's ccv-orders-in");
        const due = dueSettings(example);
        let broken = 0;
        koppeling = await startKoppeling({
          orders: 6,
          lang: "nl",
          ...version.options(),
          beforeDeploy: ({ ccv }) => {
            const booked = ccv.state.orders.filter((o) => o.is_completed && o.ordernumber != null && o.status != null && due.statuses.includes(o.status) && (o.paid || !due.paidOnly));
            assert.ok(booked.length >= 2, "the demo shop has orders to book");
            ccv.state.malform("order", booked[1].id, { set: { total_tax: null } });
            broken += 1;
          },
        });
        assert.equal(broken, 1, "one order broken before the deploy");
        const settings = (await koppeling.adminGet("/settings")) as { version: string };
        assert.match(settings.version, version.expect);
        const summary = await koppeling.waitForSummary(1, 90_000);
        assert.deepEqual(
          summary.errors.map((e) => e.code),
          ["CCV_INVALID_DOCUMENT"],
        );

        // msg.error.message in the runtime's language: the code's Dutch reason, the particulars in brackets.
        // (Node-RED writes an error's message as the error's toString(): its name first.)
        const message = summary.errors[0].message;
        assert.ok(message.startsWith(`KoppelingError: ${dutchReason("CCV_INVALID_DOCUMENT")}`), `msg.error.message: ${message}`);
        assert.match(message, /\(.*total_tax.*\)$/s, "the original message, naming the field, in brackets");

        const b = editor.browser();
        const first = await b.open(koppeling.url, EXAMPLE_IDS.ordersIn);
        await first.evaluate(() => (globalThis as unknown as PageStorage).localStorage.setItem("editor-language", "nl"));
        const p = await b.open(koppeling.url, EXAMPLE_IDS.ordersIn);
        const label = (id: string) => p.locator(`#red-ui-workspace-chart g[id="${id}"] .red-ui-flow-node-status-label`);
        /** Waits for the status under node `id` to match `expected` and returns it. */
        const shown = async (id: string, expected: RegExp | string): Promise<string> => {
          await label(id)
            .filter({ hasText: typeof expected === "string" ? new RegExp(`^${expected}$`) : expected })
            .waitFor({ timeout: 20_000 })
            .catch(async () => assert.fail(`the status of ${id} reads "${await label(id).textContent()}", not ${String(expected)}`));
          return (await label(id).textContent()) ?? "";
        };

        // Written by the runtime in Dutch (numbers): what ccv-orders-in sent, and what was booked.
        const inNl = statusTexts("ccv-orders-in", "nl");
        const sent = await shown(EXAMPLE_IDS.ordersIn, new RegExp(`${pattern(inNl.sent).source}|${pattern(inNl.sentExpired).source}`));
        assert.doesNotMatch(sent, pattern(statusTexts("ccv-orders-in", "en-US").sent));
        const reportNl = statusTexts("ccv-snelstart-report", "nl");
        const report = await shown(EXAMPLE_IDS.report, pattern(reportNl.failed));
        assert.equal(report, reportNl.failed.replace("__booked__", String(summary.booked)).replace("__failed__", "1"));
        const invoiceNl = statusTexts("snelstart-invoice", "nl");
        await shown(EXAMPLE_IDS.invoice, new RegExp(`${pattern(invoiceNl.booked).source}|${pattern(invoiceNl.bookedAlready).source}`));
        await shown(EXAMPLE_IDS.debtor, pattern(statusTexts("snelstart-debtor", "nl").done));

        // Translated by the editor (no numbers): the reconciliation, which has not run, is ready.
        const ready = statusTexts("ccv-snelstart-reconcile", "nl").ready;
        assert.notEqual(ready, statusTexts("ccv-snelstart-reconcile", "en-US").ready);
        await shown(EXAMPLE_IDS.reconcile, ready);
        await b.settled(p);
        await b.shot(p, `dutch-status-${version.expect.source.includes("5") ? "nr5" : "nr4"}`);
        assert.deepEqual(b.takePageErrors(), [], "uncaught errors in the editor page");
      });
    });
  }
});
