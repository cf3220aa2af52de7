/**
 * `node dist/scripts/error-table.js`: prints the README's error table from the catalogue
 * (src/error-codes.ts), between the markers the README keeps it in. Paste it over the README's
 * table after changing the catalogue; test/unit/error-codes.test.ts fails until the two agree.
 */
import { ERROR_CODES, type ErrorSpec, SNELSTART_MESSAGE_FAMILY, specOf } from "../src/error-codes";

export const TABLE_START = "<!-- error-table: printed by `node dist/scripts/error-table.js` from src/error-codes.ts; a test checks it -->";
export const TABLE_END = "<!-- /error-table -->";

/** Markdown text of a cell: no pipes, no HTML. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const yes = (b: boolean) => (b ? "yes" : "no");

function row(code: string, spec: ErrorSpec): string {
  return `| \`${code}\` | ${spec.layer} | ${yes(spec.endsRun)} | ${yes(spec.retryable)} | ${cell(spec.meaning)} | ${cell(spec.action)} |`;
}

/** The table with its markers: one row per catalogued code, the SnelStart message-code family before its named members. */
export function errorTable(): string {
  const rows: string[] = [];
  let family = false;
  for (const code of ERROR_CODES) {
    if (!family && SNELSTART_MESSAGE_FAMILY.pattern.test(code)) {
      rows.push(row(SNELSTART_MESSAGE_FAMILY.code, SNELSTART_MESSAGE_FAMILY.spec));
      family = true;
    }
    rows.push(row(code, specOf(code)));
  }
  if (!family) rows.push(row(SNELSTART_MESSAGE_FAMILY.code, SNELSTART_MESSAGE_FAMILY.spec));
  return [TABLE_START, "| code | layer | ends the run | retryable | what happened | what to do |", "|---|---|---|---|---|---|", ...rows, TABLE_END].join("\n");
}

if (require.main === module) console.log(errorTable());
