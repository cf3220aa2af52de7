/**
 * Live work: what a webhook started (one order a customer just placed or paid). The API clients'
 * throttles let live work ahead of a running import, so a webhook order does not wait behind
 * thousands of historical ones. Carried by Node.js's AsyncLocalStorage through every await of the
 * work, so no call on the way has to pass it along.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const live = new AsyncLocalStorage<true>();

/** Runs `fn` as live work. */
export function asLive<T>(fn: () => T): T {
  return live.run(true, fn);
}

/** Whether the caller is live work. */
export function isLive(): boolean {
  return live.getStore() === true;
}
