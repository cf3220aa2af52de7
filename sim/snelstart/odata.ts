/**
 * The OData v3 subset the simulator understands (reference snelstart-api.md §3.4):
 * `$filter` with comparisons `Prop eq|ne|gt|ge|lt|le literal` joined by `and`/`or`/`not` and
 * parentheses; literals `'text'` (a quote doubled inside: `'O''Brien'`), numbers, `true`,
 * `false`, `null`. Property names are case-sensitive UpperCamelCase and must be declared for the
 * resource. `$top` (≤ 500) and `$skip` page the result.
 *
 * Anything else (unknown property, a type mismatch, an unbalanced quote, functions such as
 * `substringof`, typed literals such as `guid'…'`) is refused: 400 `ALG-0104`. The real API
 * supports the functions and typed literals; this package never sends them, and refusing
 * what we do not model is the stricter choice.
 */
import type { SimRequest, SimResponse } from "../http";
import { apiError, badRequest, webApiError } from "./messages";

export type PropType = "string" | "number" | "boolean";
type Value = string | number | boolean | null;

export interface PropDef<T> {
  type: PropType;
  get(row: T): Value;
}
export type PropMap<T> = Readonly<Record<string, PropDef<T>>>;

export class ODataError extends Error {}

type Token =
  | { kind: "ident"; text: string }
  | { kind: "literal"; value: Value; edm: string }
  | { kind: "paren"; text: "(" | ")" };

const OPERATORS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const OP_KIND: Record<string, string> = { eq: "Equal", ne: "NotEqual", gt: "GreaterThan", ge: "GreaterThanOrEqual", lt: "LessThan", le: "LessThanOrEqual" };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t") {
      i += 1;
    } else if (c === "(" || c === ")") {
      out.push({ kind: "paren", text: c });
      i += 1;
    } else if (c === "'") {
      let value = "";
      i += 1;
      for (;;) {
        if (i >= text.length) throw new ODataError(`Er is geen afsluitend aanhalingsteken gevonden in '${text}'.`);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += text[i];
        i += 1;
      }
      out.push({ kind: "literal", value, edm: "Edm.String" });
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw new ODataError(`Onverwacht teken '${c}' op positie ${i}.`);
      out.push({ kind: "literal", value: Number(m[0]), edm: m[1] ? "Edm.Decimal" : "Edm.Int32" });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_/]*/.exec(text.slice(i)) as RegExpExecArray;
      i += m[0].length;
      if (text[i] === "'") throw new ODataError(`Getypeerde literal '${m[0]}'…' wordt niet ondersteund.`);
      if (/^\s*\(/.test(text.slice(i)) && !["and", "or", "not"].includes(m[0])) throw new ODataError(`Functie '${m[0]}' wordt niet ondersteund.`);
      if (m[0] === "true" || m[0] === "false") out.push({ kind: "literal", value: m[0] === "true", edm: "Edm.Boolean" });
      else if (m[0] === "null") out.push({ kind: "literal", value: null, edm: "null" });
      else out.push({ kind: "ident", text: m[0] });
    } else {
      throw new ODataError(`Onverwacht teken '${c}' op positie ${i}.`);
    }
  }
  return out;
}

type Predicate<T> = (row: T) => boolean;

const EDM_OF: Record<PropType, string> = { string: "Edm.String", number: "Edm.Int32", boolean: "Edm.Boolean" };

function compare(a: Value, op: string, b: Value): boolean {
  if (op === "eq") return a === b;
  if (op === "ne") return a !== b;
  if (a === null || b === null) return false;
  if (op === "gt") return a > b;
  if (op === "ge") return a >= b;
  if (op === "lt") return a < b;
  return a <= b;
}

class Parser<T> {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly props: PropMap<T>,
    private readonly typeName: string,
  ) {}

  parse(): Predicate<T> {
    const p = this.or();
    if (this.pos < this.tokens.length) throw new ODataError(`Onverwacht element op positie ${this.pos}.`);
    return p;
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.pos];
    return t?.kind === "ident" && t.text === word;
  }

  private or(): Predicate<T> {
    let left = this.and();
    while (this.peekWord("or")) {
      this.pos += 1;
      const l = left;
      const r = this.and();
      left = (row) => l(row) || r(row);
    }
    return left;
  }

  private and(): Predicate<T> {
    let left = this.unary();
    while (this.peekWord("and")) {
      this.pos += 1;
      const l = left;
      const r = this.unary();
      left = (row) => l(row) && r(row);
    }
    return left;
  }

  private unary(): Predicate<T> {
    if (this.peekWord("not")) {
      this.pos += 1;
      const inner = this.unary();
      return (row) => !inner(row);
    }
    const t = this.tokens[this.pos];
    if (t?.kind === "paren" && t.text === "(") {
      this.pos += 1;
      const inner = this.or();
      const close = this.tokens[this.pos];
      if (close?.kind !== "paren" || close.text !== ")") throw new ODataError("Er ontbreekt een ')'.");
      this.pos += 1;
      return inner;
    }
    return this.comparison();
  }

  private comparison(): Predicate<T> {
    const [prop, op, lit] = this.tokens.slice(this.pos, this.pos + 3);
    if (prop?.kind !== "ident") throw new ODataError("Verwacht een eigenschap.");
    const def = this.props[prop.text];
    if (!def) throw new ODataError(`Could not find a property named '${prop.text}' on type '${this.typeName}'.`);
    if (op?.kind !== "ident" || !OPERATORS.has(op.text)) throw new ODataError(`Verwacht een vergelijkingsoperator na '${prop.text}'.`);
    if (lit?.kind !== "literal") throw new ODataError(`Verwacht een waarde na '${prop.text} ${op.text}'.`);
    this.pos += 3;
    const edm = EDM_OF[def.type];
    const numeric = def.type === "number" && (lit.edm === "Edm.Int32" || lit.edm === "Edm.Decimal");
    const ordered = def.type !== "boolean" && lit.value !== null;
    if ((lit.edm !== edm && !numeric && lit.value !== null) || (!ordered && op.text !== "eq" && op.text !== "ne")) {
      throw new ODataError(
        `A binary operator with incompatible types was detected. Found operand types '${edm}' and '${lit.edm}' for operator kind '${OP_KIND[op.text]}'.`,
      );
    }
    const value = lit.value;
    const operator = op.text;
    return (row) => compare(def.get(row), operator, value);
  }
}

/** Compiles a `$filter` into a predicate; throws `ODataError` for anything outside the subset. */
export function compileFilter<T>(text: string, props: PropMap<T>, typeName: string): Predicate<T> {
  if (text.trim() === "") throw new ODataError("Het filter is leeg.");
  return new Parser(tokenize(text), props, typeName).parse();
}

export const MAX_TOP = 500;

/** Query options the real API refuses or we do not model; refused like ASP.NET OData does. */
const REFUSED_OPTIONS: Record<string, string> = { $orderby: "OrderBy", $expand: "Expand", $inlinecount: "InlineCount" };

function nonNegativeInt(req: SimRequest, name: string): { value: number | null } | { error: SimResponse } {
  const raw = req.query.get(name);
  if (raw == null) return { value: null };
  if (!/^\d+$/.test(raw)) return { error: webApiError(400, `The query parameter '${name}' is not in scope or has an invalid value '${raw}'.`) };
  return { value: Number(raw) };
}

/**
 * Applies `$filter`, `$skip` and `$top` to `rows` (in that order). Returns the page, or the
 * error response to send. `$select` is accepted and ignored: every field is always returned.
 * Without `$top` a page holds at most 500 rows, as the real API.
 */
export function queryList<T>(req: SimRequest, rows: readonly T[], props: PropMap<T>, typeName: string): T[] | SimResponse {
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

  let result = [...rows];
  const filter = req.query.get("$filter");
  if (filter != null) {
    try {
      result = result.filter(compileFilter(filter, props, typeName));
    } catch (err) {
      if (err instanceof ODataError) return badRequest([apiError("ALG-0104", err.message)]);
      throw err;
    }
  }
  const start = skip.value ?? 0;
  return result.slice(start, start + (top.value ?? MAX_TOP));
}
