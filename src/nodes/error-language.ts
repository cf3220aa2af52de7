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
const CODES_NAMESPACE = "@open-koppeling/node-red-ccv-snelstart/koppeling-sidebar";

/** The code's reason and action in the runtime's language; null when the runtime has none of its own (English, or no catalogue). */
export function codeTextsOf(translate: (key: string) => string, code: string): { reason: string; action: string } | null {
  const spec = errorSpec(code);
  if (!spec) return null;
  const entry = spec === SNELSTART_MESSAGE_FAMILY.spec ? SNELSTART_MESSAGE_FAMILY.entry : code;
  const key = `${CODES_NAMESPACE}:codes.${entry}`;
  const reason = translate(`${key}.reason`);
  const action = translate(`${key}.action`);
  // A key not found comes back as it is (Node-RED's i18next answers it without the namespace);
  // the English catalogue's words are the error catalogue's.
  const missing = (text: string, part: string) => text.endsWith(`codes.${entry}.${part}`);
  if (missing(reason, "reason") || missing(action, "action") || reason === spec.meaning) return null;
  return { reason, action };
}

/**
 * `e` with its message in the runtime's language (reason, what to do, the original in brackets);
 * `e` itself in English. The copy keeps the error's class and fields (an HttpError's status and
 * unknownOutcome), only the message differs.
 */
export function inRuntimeLanguage(translate: (key: string) => string, e: KoppelingError): KoppelingError {
  const texts = codeTextsOf(translate, e.code);
  if (!texts) return e;
  const out = Object.assign(Object.create(Object.getPrototypeOf(e) as object) as KoppelingError, e);
  const message = `${texts.reason} ${texts.action} (${e.message})`;
  Object.defineProperty(out, "message", { value: message, writable: true, configurable: true, enumerable: false });
  if (e.stack) Object.defineProperty(out, "stack", { value: e.stack, writable: true, configurable: true, enumerable: false });
  if (e.cause !== undefined) Object.defineProperty(out, "cause", { value: e.cause, writable: true, configurable: true, enumerable: false });
  return out;
}
