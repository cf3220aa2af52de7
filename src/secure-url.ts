/**
 * Where a secret may travel: only over HTTPS, except to this machine itself (the simulators, a
 * local proxy). Both API clients check their URLs with this before any request, so a mistyped
 * `http://` never sends a key in clear text.
 */
import { isIP } from "node:net";
import { type ErrorCode, KoppelingError } from "./errors";

/**
 * `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped), for a host name as the URL
 * parser gives it (IPv6 in brackets, compressed, lower case).
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h);
}

/**
 * `url` parsed, when it is `https:`, or `http:` to a loopback address; otherwise a `code` error
 * (e.g. `SNELSTART_CONFIG`) that names the setting (`what`), before anything is sent.
 */
export function secureUrl(url: string, code: ErrorCode, what: string): URL {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new KoppelingError(code, `The ${what} "${url}" is not a URL`, { setting: what });
  }
  if (u.username || u.password) throw new KoppelingError(code, `The ${what} must not carry a user name or password`, { setting: what });
  if (u.protocol === "https:") return u;
  if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return u;
  throw new KoppelingError(code, `The ${what} "${u.origin}" must start with https:// (plain http:// is only allowed to this machine itself, e.g. the simulators)`, { setting: what });
}
