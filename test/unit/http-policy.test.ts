/**
 * The retry policy of the one HTTP layer (src/http/policy.ts), as each client configures it
 * (src/ccv/errors.ts `ccvRetryPolicy`, src/snelstart/errors.ts `snelStartRetryPolicy`): what is
 * repeated, after how long, and when an outcome is unknown. Pure: the dice and the time of day
 * are handed in, nothing is sent and nothing waits.
 */
import assert from "node:assert/strict";
import { ccvRetryPolicy } from "../../src/ccv/errors";
import { type AttemptOutcome, type AttemptState, type HttpMethod, RetryPolicy, isIdempotent, retryAfterMs } from "../../src/http/policy";
import { snelStartRetryPolicy } from "../../src/snelstart/errors";

const WALL = Date.parse("2025-03-14T10:00:00Z");
const status = (s: number, headers: Record<string, unknown> = {}): AttemptOutcome => ({ kind: "status", status: s, headers });
const TIMEOUT: AttemptOutcome = { kind: "timeout" };
const RESET: AttemptOutcome = { kind: "network", sent: true };
const REFUSED: AttemptOutcome = { kind: "network", sent: false };

function state(method: HttpMethod, over: Partial<AttemptState> = {}): AttemptState {
  return { method, idempotent: isIdempotent(method), retries: 0, lostAttempt: false, ...over };
}

/** Dice that always show `x`. */
const dice = (x: number) => () => x;

describe("unit: the HTTP retry policy", () => {
  describe("backoff", () => {
    it("doubles from the base per retry, with a jitter between half and all of it, up to the cap", () => {
      const low = new RetryPolicy({ maxRetries: 9, baseMs: 100, random: dice(0) });
      const high = new RetryPolicy({ maxRetries: 9, baseMs: 100, random: dice(0.999_999) });
      assert.deepEqual([0, 1, 2, 3].map((n) => low.backoff(n)), [50, 100, 200, 400]);
      assert.deepEqual([0, 1, 2, 3].map((n) => high.backoff(n)), [100, 200, 400, 800]);
      assert.equal(high.backoff(20), 30_000, "never above the default cap of 30 s");
      assert.equal(low.backoff(20), 15_000, "never below half of it");
      assert.equal(new RetryPolicy({ maxRetries: 1, baseMs: 100, maxBackoffMs: 250, random: dice(0.999_999) }).backoff(5), 250);
    });

    it("with real dice stays within [half, whole] of the step", () => {
      const p = new RetryPolicy({ maxRetries: 9, baseMs: 1_000 });
      for (let i = 0; i < 200; i++) {
        const ms = p.backoff(2);
        assert.ok(ms >= 2_000 && ms <= 4_000, String(ms));
      }
    });
  });

  describe("Retry-After", () => {
    it("reads whole and decimal seconds, an HTTP date, and nothing else", () => {
      assert.equal(retryAfterMs("1", WALL), 1_000);
      assert.equal(retryAfterMs(" 2.5 ", WALL), 2_500);
      assert.equal(retryAfterMs("0", WALL), 0);
      assert.equal(retryAfterMs(["3"], WALL), 3_000, "a repeated header: the first");
      assert.equal(retryAfterMs(new Date(WALL + 7_000).toUTCString(), WALL), 7_000);
      assert.equal(retryAfterMs(new Date(WALL - 7_000).toUTCString(), WALL), 0, "a date in the past: at once");
      for (const none of [undefined, null, "", "  ", "soon", "-1", {}]) assert.equal(retryAfterMs(none, WALL), null, String(none));
    });
  });

  describe("as the SnelStart client uses it", () => {
    const policy = snelStartRetryPolicy({ maxRetries: 2, retryBaseMs: 100, maxRetryAfterMs: 5_000, random: dice(0) });

    it("a 429 on any method is repeated after Retry-After, or after the backoff without one", () => {
      for (const method of ["GET", "POST", "PUT", "DELETE"] as const) {
        assert.deepEqual(policy.decide(status(429, { "retry-after": "2" }), state(method), WALL), { action: "retry", reason: "rate-limit", waitMs: 2_000 }, method);
      }
      assert.deepEqual(policy.decide(status(429), state("POST", { retries: 1 }), WALL), { action: "retry", reason: "rate-limit", waitMs: 100 });
    });

    it("a 429 whose Retry-After is longer than accepted, or after the last retry, fails with that Retry-After", () => {
      assert.deepEqual(policy.decide(status(429, { "retry-after": "6" }), state("GET"), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: 6_000 });
      assert.deepEqual(policy.decide(status(429, { "retry-after": "1" }), state("GET", { retries: 2 }), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: 1_000 });
      assert.deepEqual(policy.decide(status(429), state("GET", { retries: 2 }), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null });
    });

    it("a 5xx, a timeout or a reset repeats GET, PUT and DELETE with backoff, until the retries are used up", () => {
      for (const outcome of [status(500), status(503), TIMEOUT, RESET]) {
        for (const method of ["GET", "PUT", "DELETE"] as const) {
          assert.deepEqual(policy.decide(outcome, state(method), WALL), { action: "retry", reason: "retry", waitMs: 50 }, `${method} ${JSON.stringify(outcome)}`);
          assert.deepEqual(policy.decide(outcome, state(method, { retries: 1 }), WALL), { action: "retry", reason: "retry", waitMs: 100 });
          assert.deepEqual(policy.decide(outcome, state(method, { retries: 2 }), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null });
        }
      }
    });

    it("a POST whose answer was lost (any 5xx, 500 included; a timeout; a reset) is never repeated: its outcome is unknown", () => {
      for (const outcome of [status(500), status(502), status(503), status(504), TIMEOUT, RESET]) {
        assert.deepEqual(policy.decide(outcome, state("POST"), WALL), { action: "fail", unknownOutcome: true, retryAfterMs: null }, JSON.stringify(outcome));
      }
    });

    it("a POST the client marks idempotent (the token request) is repeated like a GET", () => {
      assert.equal(policy.decide(TIMEOUT, state("POST", { idempotent: true }), WALL).action, "retry");
      assert.deepEqual(policy.decide(status(503), state("POST", { idempotent: true, retries: 2 }), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null });
    });

    it("a request that never reached the server is repeated whatever its method", () => {
      assert.deepEqual(policy.decide(REFUSED, state("POST"), WALL), { action: "retry", reason: "retry", waitMs: 50 });
      assert.deepEqual(policy.decide(REFUSED, state("POST", { retries: 2 }), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null });
    });

    it("other answers are final at once", () => {
      for (const s of [301, 400, 401, 403, 404, 409, 422]) {
        assert.deepEqual(policy.decide(status(s), state("GET"), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null }, String(s));
      }
    });

    it("a DELETE answered 404 after a lost attempt of it is done; without a lost attempt it is a failure", () => {
      assert.deepEqual(policy.decide(status(404), state("DELETE", { retries: 1, lostAttempt: true }), WALL), { action: "done" });
      assert.equal(policy.decide(status(404), state("DELETE", { retries: 1 }), WALL).action, "fail");
      assert.equal(policy.decide(status(404), state("GET", { retries: 1, lostAttempt: true }), WALL).action, "fail");
    });

    it("counts a 5xx, a timeout and a reset as possibly processed, a refused connection and a 4xx not", () => {
      assert.deepEqual([status(500), TIMEOUT, RESET, REFUSED, status(429), status(404)].map((o) => policy.lost(o)), [true, true, true, false, false, false]);
    });
  });

  describe("as the CCV client uses it", () => {
    const policy = ccvRetryPolicy({ maxRetries: 2, retryBaseMs: 100, windowMs: 40, random: dice(0) });

    it("a 429 waits a whole window (CCV sends no Retry-After), one it does send when it does, and fails after the retries", () => {
      assert.deepEqual(policy.decide(status(429), state("GET"), WALL), { action: "retry", reason: "rate-limit", waitMs: 40 });
      assert.deepEqual(policy.decide(status(429), state("POST", { retries: 1 }), WALL), { action: "retry", reason: "rate-limit", waitMs: 40 });
      assert.deepEqual(policy.decide(status(429, { "retry-after": "3" }), state("GET"), WALL), { action: "retry", reason: "rate-limit", waitMs: 3_000 });
      assert.deepEqual(policy.decide(status(429), state("GET", { retries: 2 }), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null });
    });

    it("without a client-side window a 429 waits the documented minute", () => {
      assert.deepEqual(ccvRetryPolicy({ maxRetries: 1, retryBaseMs: 1, windowMs: null }).decide(status(429), state("GET"), WALL), { action: "retry", reason: "rate-limit", waitMs: 60_000 });
    });

    it("repeats GET and DELETE after a 5xx, a timeout or a reset; a POST never, its outcome unknown", () => {
      for (const outcome of [status(500), TIMEOUT, RESET]) {
        assert.equal(policy.decide(outcome, state("GET"), WALL).action, "retry");
        assert.equal(policy.decide(outcome, state("DELETE"), WALL).action, "retry");
        assert.deepEqual(policy.decide(outcome, state("POST"), WALL), { action: "fail", unknownOutcome: true, retryAfterMs: null });
      }
    });

    it("a refused connection repeats only GET and DELETE (a POST fails at once, its outcome known: nothing arrived)", () => {
      assert.equal(policy.decide(REFUSED, state("GET"), WALL).action, "retry");
      assert.deepEqual(policy.decide(REFUSED, state("POST"), WALL), { action: "fail", unknownOutcome: false, retryAfterMs: null });
    });

    it("a DELETE answered 404 is a failure even after a lost attempt (CCV_NOT_FOUND, as before)", () => {
      assert.equal(policy.decide(status(404), state("DELETE", { retries: 1, lostAttempt: true }), WALL).action, "fail");
    });
  });
});
