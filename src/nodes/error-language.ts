/**
 * msg.error.message in the runtime's language (docs/design.md#dutch-status-texts-and-error-messages):
 * in a runtime set to a language the Koppeling sidebar's catalogue has (Dutch), the message says
 * the code's reason and what to do in that language, then the original message in brackets
 * (its particulars: the order, the field, SnelStart's own text). The code stays as it is. In
 * English, or when the catalogue is not there, the error is the original.
 */
import { errorSpec, SNELSTART_MESSAGE_FAMILY } from "../error-codes";
import { KoppelingError } from "../errors";

/** The Koppeling sidebar's message catalogue (the plugin koppeling-sidebar of this package): every code's reason and action. */
export const CODES_NAMESPACE = "@open-koppeling/node-red-ccv-snelstart/koppeling-sidebar";

/** The code's reason and action in the runtime's language; null when the runtime has none of its own (English, or no catalogue). */
export function codeTextsOf(translate: (key: string) => string, code: string): { reason: string; action: string } | null {
  const spec = errorSpec(code);
  if (!spec) return null;
  const entry = spec === SNELSTART_MESSAGE_FAMILY.spec ? SNELSTART_MESSAGE_FAMILY.entry : code;
  const key = `${CODES_NAMESPACE}:codes.${entry}`;
  const reason = translate(`${key}.reason`);
  const action = translate(`${key}.action`);
  // A key that comes back as it is was not found; the English catalogue's words are the error catalogue's.
  if (reason === `${key}.reason` || action === `${key}.action` || reason === spec.meaning) return null;
  return { reason, action };
}

/** `e` with its message in the runtime's language (reason, what to do, the original in brackets); `e` itself in English. */
export function inRuntimeLanguage(translate: (key: string) => string, e: KoppelingError): KoppelingError {
  const texts = codeTextsOf(translate, e.code);
  if (!texts) return e;
  const out = new KoppelingError(e.code, `${texts.reason} ${texts.action} (${e.message})`, e.details, { cause: e.cause });
  if (e.stack) out.stack = e.stack;
  return out;
}
