/**
 * One CCV document at a time: every order, invoice, row or user is checked against its schema on
 * its own, so that one that does not fit fails alone (CCV_INVALID_DOCUMENT, naming the document,
 * the field and what was found) while the rest of its page is read on.
 */
import type { z } from "zod";
import { KoppelingError } from "../errors";
import { ccvId } from "./schemas";

export const INVALID_DOCUMENT = "CCV_INVALID_DOCUMENT";

/** A document as read: the checked value, or why it does not fit with what could still be read of it. */
export type Checked<T, H> =
  | { ok: true; value: T }
  | {
      ok: false;
      /** The document's id when even that much could be read. */
      id: number | null;
      /** The fields that decide whether the document is due, when they could be read. */
      head: H | null;
      error: KoppelingError;
    };

type Issue = { path: ReadonlyArray<PropertyKey>; message: string };

/** Keys under which CCV puts a person's data: their values are never copied into an error. */
const PERSONAL = /^(customer|userinfo|billingaddress|deliveryaddress|email|username|iban|btw|telephone|mobile)$/;

function valueAt(raw: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: unknown = raw;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/**
 * What was found at `path`, short and without personal data: `null`, `missing`, `"abc"`,
 * `a string of 12 characters` (under a customer block), `an object`, `a list of 3`.
 */
export function describeFound(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  const v = valueAt(raw, path);
  if (v === undefined) return "missing";
  if (v === null || typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object") return "an object";
  const s = String(v);
  if (path.some((k) => PERSONAL.test(String(k)))) return `a string of ${s.length} characters`;
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  return path.length ? path.map(String).join(".") : "(the document itself)";
}

/** CCV_INVALID_DOCUMENT for `what` (e.g. "order 123"), naming every field that does not fit and what it held. */
export function invalidDocument(what: string, raw: unknown, issues: readonly Issue[]): KoppelingError {
  const found = issues.slice(0, 5).map((i) => ({ field: fieldOf(i.path), message: i.message, found: describeFound(raw, i.path) }));
  const first = found[0] ?? { field: "(the document itself)", message: "does not fit", found: describeFound(raw, []) };
  const text = found.map((f) => `${f.field}: ${f.message} (found ${f.found})`).join("; ");
  return new KoppelingError(INVALID_DOCUMENT, `CCV Shop ${what} cannot be read: ${text}`, { document: what, field: first.field, found: first.found, issues: found });
}

/** The id of a raw document, when it has a readable one. */
export function rawId(raw: unknown): number | null {
  const r = ccvId.safeParse(valueAt(raw, ["id"]));
  return r.success ? r.data : null;
}

/**
 * Checks one raw document: the whole schema, else its head (what decides whether it is due) for
 * the caller to decide whether the failure matters. `kind` names it in messages ("order").
 */
export function checkDocument<S extends z.ZodType, H extends z.ZodType>(raw: unknown, schema: S, head: H | null, kind: string): Checked<z.output<S>, z.output<H>> {
  const full = schema.safeParse(raw);
  if (full.success) return { ok: true, value: full.data };
  const id = rawId(raw);
  const h = head?.safeParse(raw);
  return { ok: false, id, head: h?.success ? h.data : null, error: invalidDocument(id == null ? `${kind} without a readable id` : `${kind} ${id}`, raw, full.error.issues) };
}

/** The value of a check, or its error thrown. */
export function unwrap<T, H>(c: Checked<T, H>): T {
  if (!c.ok) throw c.error;
  return c.value;
}
