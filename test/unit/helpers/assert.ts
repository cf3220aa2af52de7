import assert from "node:assert/strict";
import { KoppelingError } from "../../../src/errors";

/** Asserts that `fn` throws a KoppelingError with `code` whose message matches every pattern; returns it. */
export function refuses(fn: () => unknown, code: string, ...patterns: RegExp[]): KoppelingError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof KoppelingError, `expected a KoppelingError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}
