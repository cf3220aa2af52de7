/**
 * The OData v3 subset the simulator understands (docs/reference/snelstart-api.md#odata, the
 * portal's "Filters & Odata" page):
 *
 * - `$filter`: comparisons `eq ne gt ge lt le`, joined by `and`/`or`, `not`, parentheses;
 *   literals `'text'` (a quote doubled inside: `'O''Brien'`), numbers, `true`, `false`,
 *   `null`, and the typed literals `guid'…'` and `datetime'…'` (`yyyy-MM-dd` with an optional
 *   `THH:mm[:ss[.fffffff]]`, no zone); paths into complex properties
 *   (`VestigingsAdres/Land/Id`); the functions `substringof('x', Naam)` and
 *   `startswith(Naam, 'x')` (used bare or as `… eq true`); the lambda `any` on collections
 *   (`Relatiesoort/any(r:r eq 'Klant')`, `ExtraVeldenKlant/any(e:e/Waarde eq '5' and e/Naam eq 'x')`,
 *   `any()` = not empty).
 * - `$select=Id,Naam`: only those properties (UpperCamelCase in the query, lowerCamelCase in
 *   the JSON), `*` for all.
 * - `$top` (≤ 500) and `$skip` page the result; without `$top` a page holds at most 500.
 *
 * Property names and keywords are case-sensitive. Which properties filter is declared per
 * resource (a simulator choice; the reference does not list them). Anything else (an unknown
 * property, a type mismatch such as `Id eq 'x'`, an unbalanced quote, other functions, `all`,
 * arithmetic, other typed literals) is refused: 400 `ALG-0104` with the reason in `details`.
 * String comparisons and the two functions are case-sensitive (ordinal).
 */
import type { SimRequest, SimResponse } from "../http";
import { apiError, badRequest, webApiError } from "./messages";

export type ScalarType = "string" | "number" | "decimal" | "boolean" | "guid" | "datetime";
type Scalar = string | number | boolean | null;

/** A complex (structured) type: an address, a reference `{id}`, an extra field `{naam, waarde}`. */
export interface ComplexType {
  typeName: string;
  props: PropMap<unknown>;
}

export type PropDef<T> =
  | { type: ScalarType; get(row: T): Scalar | undefined }
  | { type: "complex"; of: ComplexType; get(row: T): unknown }
  | { type: "collection"; of: ScalarType | ComplexType; get(row: T): readonly unknown[] | null | undefined };
export type PropMap<T> = Readonly<Record<string, PropDef<T>>>;

/** Declares a complex type for `{type: "complex" | "collection", of: …}`. */
export function complexType<C>(typeName: string, props: PropMap<C>): ComplexType {
  return { typeName, props: props as PropMap<unknown> };
}

/** A reference `{id}` as a complex type: `Land/Id`, `Relatie/Id`. */
export function refType(typeName: string): ComplexType {
  return complexType<{ id: string }>(typeName, { Id: { type: "guid", get: (r) => r.id } });
}

export class ODataError extends Error {}

// ---- tokens ----

type Token =
  | { kind: "ident"; text: string; at: number }
  | { kind: "literal"; value: Scalar; type: ScalarType | "null"; at: number }
  | { kind: "punct"; text: "(" | ")" | "," | ":" | "/"; at: number };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;

/** A naive SnelStart date-time as epoch ms (UTC), or null when it is not one. */
export function parseDateTime(s: string): number | null {
  const m = DATETIME.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0));
  const ms = Math.round(Number(`0.${m[7] ?? "0"}`) * 1000);
  const t = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
  const dt = new Date(t);
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d || h > 23 || mi > 59 || sec > 59) return null;
  return t;
}

function quoted(text: string, start: number): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new ODataError(`Er is geen afsluitend aanhalingsteken gevonden in '${text}'.`);
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i];
    i += 1;
  }
}

function typedLiteral(prefix: string, raw: string, at: number): Token {
  if (prefix === "guid") {
    if (!GUID.test(raw)) throw new ODataError(`Unrecognized 'Edm.Guid' literal 'guid'${raw}'' at '${at}'.`);
    return { kind: "literal", value: raw.toLowerCase(), type: "guid", at };
  }
  if (prefix === "datetime") {
    const t = parseDateTime(raw);
    if (t === null) throw new ODataError(`Unrecognized 'Edm.DateTime' literal 'datetime'${raw}'' at '${at}'.`);
    return { kind: "literal", value: t, type: "datetime", at };
  }
  throw new ODataError(`Getypeerde literal '${prefix}'…' wordt niet ondersteund.`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t") {
      i += 1;
    } else if ("(),:/".includes(c)) {
      out.push({ kind: "punct", text: c as "(" | ")" | "," | ":" | "/", at: i });
      i += 1;
    } else if (c === "'") {
      const q = quoted(text, i);
      out.push({ kind: "literal", value: q.value, type: "string", at: i });
      i = q.end;
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?([mMdDfFlL])?/.exec(text.slice(i));
      if (!m) throw new ODataError(`Onverwacht teken '${c}' op positie ${i}.`);
      const decimal = m[1] !== undefined || m[2] !== undefined || (m[3] !== undefined && !/[lL]/.test(m[3]));
      out.push({ kind: "literal", value: Number(m[0].replace(/[mMdDfFlL]$/, "")), type: decimal ? "decimal" : "number", at: i });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      const word = m[0];
      const at = i;
      i += word.length;
      if (text[i] === "'") {
        const q = quoted(text, i);
        out.push(typedLiteral(word, q.value, at));
        i = q.end;
      } else if (word === "true" || word === "false") out.push({ kind: "literal", value: word === "true", type: "boolean", at });
      else if (word === "null") out.push({ kind: "literal", value: null, type: "null", at });
      else out.push({ kind: "ident", text: word, at });
    } else {
      throw new ODataError(`Onverwacht teken '${c}' op positie ${i}.`);
    }
  }
  return out;
}

// ---- typed expressions ----

type StaticType =
  | { kind: "scalar"; type: ScalarType }
  | { kind: "null" }
  | { kind: "complex"; of: ComplexType }
  | { kind: "collection"; of: ScalarType | ComplexType };

interface Env {
  it: unknown;
  vars: ReadonlyMap<string, unknown>;
}
interface Expr {
  t: StaticType;
  eval(env: Env): unknown;
}

const EDM: Record<ScalarType, string> = {
  string: "Edm.String",
  number: "Edm.Int32",
  decimal: "Edm.Decimal",
  boolean: "Edm.Boolean",
  guid: "Edm.Guid",
  datetime: "Edm.DateTime",
};
const OPERATORS: Record<string, string> = { eq: "Equal", ne: "NotEqual", gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };
const FUNCTIONS = new Set(["substringof", "startswith"]);

function typeName(t: StaticType): string {
  if (t.kind === "scalar") return EDM[t.type];
  if (t.kind === "null") return "<null>";
  if (t.kind === "complex") return t.of.typeName;
  return `Collection(${typeof t.of === "string" ? EDM[t.of] : t.of.typeName})`;
}

function typeOf(of: ScalarType | ComplexType): StaticType {
  return typeof of === "string" ? { kind: "scalar", type: of } : { kind: "complex", of };
}

/** A property value as the evaluator compares it: GUIDs lower-case, date-times as epoch ms. */
function normalize(type: ScalarType, v: unknown): Scalar {
  if (v === undefined || v === null) return null;
  if (type === "guid") return String(v).toLowerCase();
  if (type === "datetime") return parseDateTime(String(v));
  return v as Scalar;
}

function isBoolean(t: StaticType): boolean {
  return t.kind === "null" || (t.kind === "scalar" && t.type === "boolean");
}
function isString(t: StaticType): boolean {
  return t.kind === "null" || (t.kind === "scalar" && t.type === "string");
}
function isNumeric(t: StaticType): boolean {
  return t.kind === "scalar" && (t.type === "number" || t.type === "decimal");
}

const BOOL: StaticType = { kind: "scalar", type: "boolean" };

function and3(a: unknown, b: unknown): boolean | null {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}
function or3(a: unknown, b: unknown): boolean | null {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

function compare(a: unknown, op: string, b: unknown): boolean | null {
  if (op === "eq") return a === b;
  if (op === "ne") return a !== b;
  if (a === null || b === null) return null;
  const x = a as number | string;
  const y = b as number | string;
  if (op === "gt") return x > y;
  if (op === "ge") return x >= y;
  if (op === "lt") return x < y;
  return x <= y;
}

/** Whether `l op r` is well typed (ASP.NET OData v3: numeric promotion, ordering only for numbers, strings, date-times). */
function comparable(l: StaticType, r: StaticType, op: string): boolean {
  if (l.kind === "complex" || l.kind === "collection" || r.kind === "complex" || r.kind === "collection") return false;
  const equality = op === "eq" || op === "ne";
  if (l.kind === "null" || r.kind === "null") return equality;
  if (isNumeric(l) && isNumeric(r)) return true;
  if (l.type !== r.type) return false;
  return equality || l.type === "string" || l.type === "datetime";
}

class Parser {
  private pos = 0;
  private readonly scope = new Map<string, StaticType>();

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
    private readonly root: ComplexType,
  ) {}

  parse(): (row: unknown) => boolean {
    const e = this.or();
    const rest = this.tokens[this.pos];
    if (rest) throw new ODataError(`Syntaxfout op positie ${rest.at} in '${this.text}'.`);
    if (!isBoolean(e.t)) throw new ODataError("The $filter expression must evaluate to a single boolean value.");
    return (row) => e.eval({ it: row, vars: new Map() }) === true;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }
  private isWord(word: string): boolean {
    const t = this.peek();
    return t?.kind === "ident" && t.text === word;
  }
  private isPunct(p: string): boolean {
    const t = this.peek();
    return t?.kind === "punct" && t.text === p;
  }
  private expectPunct(p: string, after: string): void {
    if (!this.isPunct(p)) throw new ODataError(`Verwacht '${p}' na ${after}.`);
    this.pos += 1;
  }

  private logical(word: "and" | "or", next: () => Expr, combine: (a: unknown, b: unknown) => boolean | null): Expr {
    let left = next();
    while (this.isWord(word)) {
      this.pos += 1;
      const l = left;
      const r = next();
      if (!isBoolean(l.t) || !isBoolean(r.t)) {
        throw new ODataError(`A binary operator with incompatible types was detected. Found operand types '${typeName(l.t)}' and '${typeName(r.t)}' for operator kind '${word === "and" ? "And" : "Or"}'.`);
      }
      left = { t: BOOL, eval: (env) => combine(l.eval(env), r.eval(env)) };
    }
    return left;
  }

  private or(): Expr {
    return this.logical("or", () => this.and(), or3);
  }

  private and(): Expr {
    return this.logical("and", () => this.comparison(), and3);
  }

  private comparison(): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t?.kind !== "ident" || !(t.text in OPERATORS)) return left;
      this.pos += 1;
      const op = t.text;
      if (!this.peek()) throw new ODataError(`Verwacht een waarde na '${op}'.`);
      const right = this.unary();
      if (!comparable(left.t, right.t, op)) {
        throw new ODataError(`A binary operator with incompatible types was detected. Found operand types '${typeName(left.t)}' and '${typeName(right.t)}' for operator kind '${OPERATORS[op]}'.`);
      }
      const l = left;
      left = { t: BOOL, eval: (env) => compare(l.eval(env), op, right.eval(env)) };
    }
  }

  private unary(): Expr {
    if (this.isWord("not")) {
      this.pos += 1;
      const inner = this.unary();
      if (!isBoolean(inner.t)) throw new ODataError(`The operand for a unary not operator is not of type Edm.Boolean (found '${typeName(inner.t)}').`);
      return {
        t: BOOL,
        eval: (env) => {
          const v = inner.eval(env);
          return v === null ? null : !v;
        },
      };
    }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.peek();
    if (!t) throw new ODataError("Verwacht een waarde aan het eind van het filter.");
    if (t.kind === "punct" && t.text === "(") {
      this.pos += 1;
      const inner = this.or();
      this.expectPunct(")", "een expressie tussen haakjes");
      return inner;
    }
    if (t.kind === "literal") {
      this.pos += 1;
      const value = t.value;
      return { t: t.type === "null" ? { kind: "null" } : { kind: "scalar", type: t.type }, eval: () => value };
    }
    if (t.kind === "ident") {
      this.pos += 1;
      if (this.isPunct("(")) return this.call(t.text);
      return this.path(t.text);
    }
    throw new ODataError(`Onverwacht '${t.text}' op positie ${t.at}.`);
  }

  private call(name: string): Expr {
    if (!FUNCTIONS.has(name)) throw new ODataError(`Functie '${name}' wordt niet ondersteund.`);
    this.pos += 1; // (
    const args: Expr[] = [];
    if (!this.isPunct(")")) {
      args.push(this.or());
      while (this.isPunct(",")) {
        this.pos += 1;
        args.push(this.or());
      }
    }
    this.expectPunct(")", `de argumenten van '${name}'`);
    if (args.length !== 2 || !args.every((a) => isString(a.t))) {
      throw new ODataError(`No function signature for the function with name '${name}' matches the specified arguments. The function signatures considered are: ${name}(Edm.String Nullable=true, Edm.String Nullable=true).`);
    }
    const [a, b] = args;
    // substringof(needle, haystack); startswith(haystack, prefix).
    const test = name === "substringof" ? (x: string, y: string) => y.includes(x) : (x: string, y: string) => x.startsWith(y);
    return {
      t: BOOL,
      eval: (env) => {
        const x = a.eval(env);
        const y = b.eval(env);
        return typeof x === "string" && typeof y === "string" ? test(x, y) : null;
      },
    };
  }

  /** `Name(/Name)*`, optionally ending in `/any(…)`. */
  private path(first: string): Expr {
    let current: Expr;
    const bound = this.scope.get(first);
    if (bound) {
      current = { t: bound, eval: (env) => env.vars.get(first) };
      if (bound.kind === "scalar") {
        const type = bound.type;
        current = { t: bound, eval: (env) => normalize(type, env.vars.get(first)) };
      }
    } else {
      current = this.member({ t: { kind: "complex", of: this.root }, eval: (env) => env.it }, first);
    }
    while (this.isPunct("/")) {
      this.pos += 1;
      const seg = this.peek();
      if (seg?.kind !== "ident") throw new ODataError(`Verwacht een eigenschap na '/'.`);
      this.pos += 1;
      if ((seg.text === "any" || seg.text === "all") && this.isPunct("(")) {
        if (current.t.kind !== "collection") throw new ODataError(`'${seg.text}' kan alleen op een collectie worden toegepast, niet op '${typeName(current.t)}'.`);
        if (seg.text === "all") throw new ODataError("Functie 'all' wordt niet ondersteund.");
        return this.any(current as Expr & { t: { kind: "collection" } });
      }
      current = this.member(current, seg.text);
    }
    return current;
  }

  /** Property `name` of the value `parent` (a complex value; null propagates). */
  private member(parent: Expr, name: string): Expr {
    if (parent.t.kind !== "complex") {
      throw new ODataError(`The parent value for a property access of a property '${name}' is not a single value. Property access can only be applied to a single value.`);
    }
    const type = parent.t.of;
    const def = type.props[name];
    if (!def) throw new ODataError(`Could not find a property named '${name}' on type '${type.typeName}'.`);
    const read = (env: Env) => {
      const obj = parent.eval(env);
      return obj === null || obj === undefined ? null : def.get(obj);
    };
    if (def.type === "complex") return { t: { kind: "complex", of: def.of }, eval: read };
    if (def.type === "collection") return { t: { kind: "collection", of: def.of }, eval: read };
    const scalar = def.type;
    return { t: { kind: "scalar", type: scalar }, eval: (env) => normalize(scalar, read(env)) };
  }

  /** `any()` or `any(v: predicate)` on a collection. */
  private any(collection: Expr & { t: { kind: "collection" } }): Expr {
    this.pos += 1; // (
    const items = (env: Env) => (collection.eval(env) as readonly unknown[] | null) ?? [];
    if (this.isPunct(")")) {
      this.pos += 1;
      return { t: BOOL, eval: (env) => items(env).length > 0 };
    }
    const v = this.peek();
    if (v?.kind !== "ident") throw new ODataError("Verwacht een lambda-variabele in any().");
    this.pos += 1;
    this.expectPunct(":", `de lambda-variabele '${v.text}'`);
    if (this.scope.has(v.text)) throw new ODataError(`De lambda-variabele '${v.text}' is al in gebruik.`);
    this.scope.set(v.text, typeOf(collection.t.of));
    let body: Expr;
    try {
      body = this.or();
    } finally {
      this.scope.delete(v.text);
    }
    this.expectPunct(")", "de lambda-expressie");
    if (!isBoolean(body.t)) throw new ODataError("The expression of a lambda must evaluate to a single boolean value.");
    const name = v.text;
    return {
      t: BOOL,
      eval: (env) => items(env).some((item) => body.eval({ it: env.it, vars: new Map([...env.vars, [name, item]]) }) === true),
    };
  }
}

/** Compiles a `$filter` into a predicate; throws `ODataError` for anything outside the subset. */
export function compileFilter<T>(text: string, props: PropMap<T>, typeName: string): (row: T) => boolean {
  if (text.trim() === "") throw new ODataError("Het filter is leeg.");
  return new Parser(text, tokenize(text), complexType(typeName, props)).parse();
}

// ---- query options ----

export const MAX_TOP = 500;

/** Query options the real API refuses or we do not model; refused like ASP.NET OData does. */
const REFUSED_OPTIONS: Record<string, string> = { $orderby: "OrderBy", $expand: "Expand", $inlinecount: "InlineCount" };

function nonNegativeInt(req: SimRequest, name: string): { value: number | null } | { error: SimResponse } {
  const raw = req.query.get(name);
  if (raw == null) return { value: null };
  if (!/^\d+$/.test(raw)) return { error: webApiError(400, `The query parameter '${name}' is not in scope or has an invalid value '${raw}'.`) };
  return { value: Number(raw) };
}

/** An OData collection resource: what filters, what `$select` may name, how a row is rendered. */
export interface ODataResource<T> {
  /** The model's full type name, as ASP.NET names it in errors. */
  typeName: string;
  /** The properties `$filter` may use (UpperCamelCase). */
  filter: PropMap<T>;
  /** The read model's JSON property names (lowerCamelCase): what `$select` may name. */
  fields: readonly string[];
  render(row: T): Record<string, unknown>;
}

/** `$select` as a list of JSON keys, null for everything; throws ODataError for an unknown name. */
function parseSelect(raw: string | null, resource: ODataResource<never>): string[] | null {
  if (raw == null || raw.trim() === "") return null;
  const names = raw.split(",").map((n) => n.trim());
  if (names.includes("*")) return null;
  return names.map((name) => {
    const key = name.charAt(0).toLowerCase() + name.slice(1);
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name) || !resource.fields.includes(key)) {
      throw new ODataError(`Could not find a property named '${name}' on type '${resource.typeName}'.`);
    }
    return key;
  });
}

/**
 * Answers a list request: `$filter`, then `$skip` and `$top` (in that order), then `$select`.
 * Returns the 200 with the rendered page, or the error response.
 */
export function queryList<T>(req: SimRequest, rows: readonly T[], resource: ODataResource<T>): SimResponse {
  for (const [option, kind] of Object.entries(REFUSED_OPTIONS)) {
    if (req.query.has(option)) {
      return webApiError(400, `Query option '${kind}' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.`);
    }
  }
  const top = nonNegativeInt(req, "$top");
  if ("error" in top) return top.error;
  if (top.value !== null && top.value > MAX_TOP) {
    return webApiError(400, `The limit of '${MAX_TOP}' for Top query has been exceeded. The value from the incoming request is '${top.value}'.`);
  }
  const skip = nonNegativeInt(req, "$skip");
  if ("error" in skip) return skip.error;
  let select: string[] | null;
  try {
    select = parseSelect(req.query.get("$select"), resource as ODataResource<never>);
  } catch (err) {
    if (err instanceof ODataError) return webApiError(400, `The query specified in the URI is not valid. ${err.message}`);
    throw err;
  }

  let result = [...rows];
  const filter = req.query.get("$filter");
  if (filter != null) {
    try {
      result = result.filter(compileFilter(filter, resource.filter, resource.typeName));
    } catch (err) {
      if (err instanceof ODataError) return badRequest([apiError("ALG-0104", err.message)]);
      throw err;
    }
  }
  const start = skip.value ?? 0;
  const page = result.slice(start, start + (top.value ?? MAX_TOP)).map((r) => resource.render(r));
  const body = select ? page.map((r) => Object.fromEntries(select.map((k) => [k, r[k] ?? null]))) : page;
  return { status: 200, body };
}
