/**
 * The addresses of both APIs, parsed in one place. A setting becomes a URL only through
 * `secureUrl` (../secure-url.ts: https, or http to this machine), so a key never travels in clear
 * text; a request goes only to the address configured with its credentials (an absolute link an
 * API hands out is re-aimed at that address, and redirects are never followed, see ./sender.ts).
 */
import type { ErrorCode } from "../errors";
import { secureUrl } from "../secure-url";

/**
 * The URL of a setting, `fallback` (a service's public default) when the setting is empty; a
 * `code` error naming the setting (`what`) when it is not a URL a secret may go to.
 */
export function serviceUrl(value: string | undefined, fallback: string | undefined, code: ErrorCode, what: string): URL {
  return secureUrl(value?.trim() || fallback || "", code, what);
}

/** `https://host/v2/` → `https://host/v2`: a base that paths (`/companyInfo`) are appended to. */
export function baseOf(url: URL): string {
  return url.href.replace(/\/+$/, "");
}

/** Whether two settings name one address: compared parsed and normalised (host case, default port, trailing slash), else as typed. */
export function sameAddress(a: string, b: string): boolean {
  const norm = (u: string) => (URL.canParse(u) ? baseOf(new URL(u)) : u);
  return norm(a) === norm(b);
}

/**
 * The path and query of `target` (a path or an absolute link) exactly as axios puts them on the
 * wire (WHATWG URL parsing), resolved against `origin`: the host of an absolute link is ignored.
 */
export function requestTarget(target: string, origin: string): string {
  const u = new URL(target, origin);
  return `${u.pathname}${u.search}`;
}

/** A URL fit for a message or an error: scheme, host and path, without credentials, query or fragment. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url.replace(/[?#].*$/s, "");
  }
}
