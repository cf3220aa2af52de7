/**
 * The Koppeling sidebar's en-US catalogue as built (scripts/build.js writes it into
 * dist/src/nodes/locales/en-US/koppeling-sidebar.json): the hand-written source
 * (nodes/locales/en-US/koppeling-sidebar.json) with the reason and action of every error code
 * generated from the error catalogue (src/error-codes.ts), so the two cannot differ. The source
 * keeps only `codes.unknown` (a code this version does not know); the Dutch catalogue
 * (nodes/locales/nl/koppeling-sidebar.json) has every code by hand, and is where the runtime
 * reads msg.error.message's Dutch from (src/nodes/error-language.ts).
 */
import { ERROR_CODES, SNELSTART_MESSAGE_FAMILY, type ErrorSpec, specOf } from "../src/error-codes";

export type Tree = { [k: string]: string | Tree };

/** Every code's entry of the sidebar catalogue (`codes.<CODE>.reason` / `.action`), with SnelStart's message codes not listed by name under the family's entry. */
function codeTexts(): Record<string, { reason: string; action: string }> {
  const entry = (s: ErrorSpec) => ({ reason: s.meaning, action: s.action });
  return {
    ...Object.fromEntries(ERROR_CODES.map((c) => [c, entry(specOf(c))])),
    [SNELSTART_MESSAGE_FAMILY.entry]: entry(SNELSTART_MESSAGE_FAMILY.spec),
  };
}

/** The en-US catalogue as built: `source` with codeTexts() in its `codes`, then what the source has there (`unknown`). */
export function builtSidebarCatalogue(source: Tree): Tree {
  const codes = typeof source.codes === "object" ? source.codes : {};
  return { ...source, codes: { ...codeTexts(), ...codes } };
}
