/**
 * The request sender of the one HTTP layer (src/http/sender.ts) over a scripted server (an
 * injected exchange) and an injected clock: the loop of attempts, waits and the throttle, and the
 * typed errors the two APIs' dialects make of a failure (src/http/errors.ts HttpError: status,
 * method, url without query, the service's codes, unknownOutcome). The real HTTP path is covered
 * by the ccv and snelstart suites against the simulators.
 */
import assert from "node:assert/strict";
import { ccvError, ccvRetryPolicy } from "../../src/ccv/errors";
import { KoppelingError } from "../../src/errors";
import { HttpError, isHttpError } from "../../src/http/errors";
import { type Attempt, type Exchange, type HttpRequest, RequestSender, type WaitInfo } from "../../src/http/sender";
import { Throttle } from "../../src/http/throttle";
import { baseOf, displayUrl, requestTarget, sameAddress, serviceUrl } from "../../src/http/url";
import { snelStartFailure, snelStartRetryPolicy } from "../../src/snelstart/errors";
import { FakeClock } from "./helpers/fake-clock";

const ok = (text = "{}"): Attempt => ({ kind: "status", status: 200, text, headers: {} });
const answer = (status: number, text = "", headers: Record<string, unknown> = {}): Attempt => ({ kind: "status", status, text, headers });
const TIMEOUT: Attempt = { kind: "timeout", cause: new Error("aborted") };
const RESET: Attempt = { kind: "network", code: "ECONNRESET", sent: true, cause: new Error("socket hang up") };

/** An exchange that answers `script` in turn (the last one for ever) and records every request. */
function scripted(...script: Attempt[]): Exchange & { seen: HttpRequest[]; headers: Array<Record<string, string>> } {
  const seen: HttpRequest[] = [];
  const headers: Array<Record<string, string>> = [];
  const exchange = async (req: HttpRequest) => {
    seen.push(req);
    headers.push(typeof req.headers === "function" ? req.headers() : { ...req.headers });
    return script[Math.min(seen.length - 1, script.length - 1)];
  };
  return Object.assign(exchange, { seen, headers });
}

const snelstartRequest = (method: HttpRequest["method"], path: string): HttpRequest => ({ method, url: `https://b2bapi.example/v2${path}`, path, headers: { Accept: "application/json" } });

/** Settles `p` while the fake clock runs its waits; answers the value or the error. */
async function run<T>(clock: FakeClock, p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const out: { value?: T; error?: unknown; done?: boolean } = {};
  p.then(
    (value) => Object.assign(out, { value, done: true }),
    (error: unknown) => Object.assign(out, { error, done: true }),
  );
  for (let i = 0; i < 100 && !out.done; i++) await clock.advance(60_000);
  assert.ok(out.done, "the request settled");
  return out;
}

describe("unit: the HTTP request sender", () => {
  it("repeats a GET answered 503 with backoff on the clock, reports the waits, and answers the 2xx", async () => {
    const clock = new FakeClock();
    const exchange = scripted(answer(503), answer(503), ok('{"a":1}'));
    const waits: WaitInfo[] = [];
    const sender = new RequestSender({ policy: snelStartRetryPolicy({ maxRetries: 4, retryBaseMs: 100, maxRetryAfterMs: 1_000, random: () => 0 }), timeoutMs: 1_000, error: snelStartFailure, clock, exchange, onWait: (w) => waits.push(w) });
    const { value } = await run(clock, sender.send(snelstartRequest("GET", "/companyInfo")));
    assert.equal(value?.text, '{"a":1}');
    assert.equal(exchange.seen.length, 3);
    assert.deepEqual(waits, [
      { reason: "retry", ms: 50 },
      { reason: "retry", ms: 100 },
    ]);
    assert.deepEqual(clock.slept, [50, 100]);
  });

  it("waits a 429's Retry-After, then sends the POST again (it was not processed)", async () => {
    const clock = new FakeClock();
    const exchange = scripted(answer(429, "", { "retry-after": "2" }), ok());
    const waits: WaitInfo[] = [];
    const sender = new RequestSender({ policy: snelStartRetryPolicy({ maxRetries: 4, retryBaseMs: 100, maxRetryAfterMs: 5_000 }), timeoutMs: 1_000, error: snelStartFailure, clock, exchange, onWait: (w) => waits.push(w) });
    await run(clock, sender.send(snelstartRequest("POST", "/relaties")));
    assert.equal(exchange.seen.length, 2);
    assert.deepEqual(waits, [{ reason: "rate-limit", ms: 2_000 }]);
  });

  for (const [what, lost] of [
    ["no answer in time", TIMEOUT],
    ["a reset connection", RESET],
    ["a 500", answer(500, '{"statusCode":500,"message":"boom"}')],
  ] as const) {
    it(`a POST lost to ${what} is sent once: SNELSTART_UNKNOWN_OUTCOME, a typed HttpError`, async () => {
      const clock = new FakeClock();
      const exchange = scripted(lost, ok());
      const sender = new RequestSender({ policy: snelStartRetryPolicy({ maxRetries: 4, retryBaseMs: 100, maxRetryAfterMs: 5_000 }), timeoutMs: 250, error: snelStartFailure, clock, exchange });
      const { error } = await run(clock, sender.send(snelstartRequest("POST", "/verkoopboekingen?x=klant%40example.nl")));
      assert.equal(exchange.seen.length, 1, "never repeated");
      assert.ok(isHttpError(error) && error instanceof KoppelingError);
      assert.equal(error.code, "SNELSTART_UNKNOWN_OUTCOME");
      assert.equal(error.unknownOutcome, true);
      assert.equal(error.details.unknownOutcome, true);
      assert.equal(error.method, "POST");
      assert.equal(error.url, "https://b2bapi.example/v2/verkoopboekingen", "no query: it can hold personal data");
      assert.equal(error.status, lost.kind === "status" ? 500 : null);
      assert.equal(error.name, "KoppelingError");
      assert.match(error.message, /^SnelStart POST \/verkoopboekingen: outcome unknown/);
    });
  }

  it("a DELETE whose answer was lost and that then finds nothing is done", async () => {
    const clock = new FakeClock();
    const exchange = scripted(RESET, answer(404));
    const sender = new RequestSender({ policy: snelStartRetryPolicy({ maxRetries: 4, retryBaseMs: 10, maxRetryAfterMs: 5_000 }), timeoutMs: 250, error: snelStartFailure, clock, exchange });
    const { value } = await run(clock, sender.send(snelstartRequest("DELETE", "/verkoopboekingen/1")));
    assert.equal(value?.status, 404);
    assert.equal(exchange.seen.length, 2);
  });

  it("SnelStart's codes of the body and the request's facts are typed fields", async () => {
    const clock = new FakeClock();
    const body = JSON.stringify([{ errorCode: "BOE-0021", message: "Het factuurnummer bestaat al", details: null }]);
    const sender = new RequestSender({ policy: snelStartRetryPolicy({ maxRetries: 4, retryBaseMs: 10, maxRetryAfterMs: 5_000 }), timeoutMs: 250, error: snelStartFailure, clock, exchange: scripted(answer(400, body)) });
    const { error } = await run(clock, sender.send(snelstartRequest("POST", "/verkoopboekingen")));
    assert.ok(error instanceof HttpError);
    assert.deepEqual([error.code, error.status, error.apiCodes, error.unknownOutcome], ["SNELSTART_BOE_0021", 400, ["BOE-0021"], false]);
    assert.equal(error.details.status, 400, "the details stay as they were");
  });

  it("CCV: every attempt is signed anew; a POST answered 503 is CCV_SERVER, not repeated, its outcome unknown", async () => {
    const clock = new FakeClock();
    const exchange = scripted(answer(503, JSON.stringify({ code: "503.00", status: 503, developermessage: "down" })));
    let signed = 0;
    const sender = new RequestSender({ policy: ccvRetryPolicy({ maxRetries: 3, retryBaseMs: 10, windowMs: null }), timeoutMs: 250, error: (f) => ccvError(f, "https://shop.example"), clock, exchange });
    const request = (method: HttpRequest["method"]): HttpRequest => ({ method, url: "https://shop.example/api/rest/v1/webhooks/", path: "/api/rest/v1/webhooks/", headers: () => ({ "x-date": String(++signed) }) });
    const { error } = await run(clock, sender.send(request("POST")));
    assert.equal(exchange.seen.length, 1);
    assert.ok(error instanceof HttpError);
    assert.deepEqual([error.code, error.status, error.apiCodes, error.unknownOutcome], ["CCV_SERVER", 503, ["503.00"], true]);
    assert.deepEqual(error.details, { status: 503, code: "503.00", developermessage: "down", method: "POST", path: "/api/rest/v1/webhooks/" });

    const failing = await run(clock, sender.send(request("GET")));
    assert.ok(failing.error instanceof HttpError);
    assert.equal(failing.error.unknownOutcome, false, "a GET has no outcome to be unknown");
    assert.deepEqual(exchange.headers.map((h) => h["x-date"]), ["1", "2", "3", "4", "5"], "one signature per attempt");
  });

  it("CCV: a refused connection is CCV_NETWORK with no status; a 429 after the retries CCV_RATE_LIMIT with CCV's code", async () => {
    const clock = new FakeClock();
    const refused: Attempt = { kind: "network", code: "ECONNREFUSED", sent: false, cause: new Error("connect ECONNREFUSED") };
    const make = (exchange: Exchange) => new RequestSender({ policy: ccvRetryPolicy({ maxRetries: 1, retryBaseMs: 10, windowMs: 40 }), timeoutMs: 250, error: (f) => ccvError(f, "https://shop.example"), clock, exchange });
    const get: HttpRequest = { method: "GET", url: "https://shop.example/api/rest/v1/orders/?size=100", path: "/api/rest/v1/orders/?size=100", headers: {} };
    const net = await run(clock, make(scripted(refused)).send(get));
    assert.ok(net.error instanceof HttpError);
    assert.deepEqual([net.error.code, net.error.status, net.error.url], ["CCV_NETWORK", null, "https://shop.example/api/rest/v1/orders/"]);
    assert.match(net.error.message, /Cannot reach CCV Shop at https:\/\/shop\.example for GET \/api\/rest\/v1\/orders\/\?size=100: ECONNREFUSED/);
    const limited = await run(clock, make(scripted(answer(429, JSON.stringify({ code: "429.10", status: 429, developermessage: "slow down" })))).send(get));
    assert.ok(limited.error instanceof HttpError);
    assert.deepEqual([limited.error.code, limited.error.status, limited.error.apiCodes], ["CCV_RATE_LIMIT", 429, ["429.10"]]);
    assert.match(limited.error.message, /after 2 attempts/);
  });

  it("takes a throttle place per attempt and gives it back; a request without a lane passes the throttle by", async () => {
    const clock = new FakeClock();
    const throttle = new Throttle({ countFrom: "start", clock, limits: () => ({ windows: [{ calls: 1, ms: 1_000 }], concurrent: Infinity }) });
    const waits: WaitInfo[] = [];
    const sender = new RequestSender({ policy: snelStartRetryPolicy({ maxRetries: 0, retryBaseMs: 10, maxRetryAfterMs: 0 }), timeoutMs: 250, throttle, error: snelStartFailure, clock, exchange: scripted(ok()), onWait: (w) => waits.push(w) });
    await run(clock, sender.send({ ...snelstartRequest("POST", "/token"), throttleKey: null }));
    assert.deepEqual([throttle.admitted, waits], [0, []], "the token request took no place");
    await run(clock, Promise.all([sender.send(snelstartRequest("GET", "/a")), sender.send(snelstartRequest("GET", "/b"))]));
    assert.equal(throttle.admitted, 2);
    assert.equal(throttle.active, 0, "every place was given back");
    assert.deepEqual(waits, [{ reason: "throttle", ms: 1_000 }], "the second GET waited for the window");
  });
});

describe("unit: the HTTP layer's URLs", () => {
  it("a setting becomes a URL only when a secret may go there; empty means the default", () => {
    assert.equal(serviceUrl("", "https://api.example/v2", "SNELSTART_CONFIG", "API URL").href, "https://api.example/v2");
    assert.equal(serviceUrl(undefined, "https://api.example/v2", "SNELSTART_CONFIG", "API URL").href, "https://api.example/v2");
    assert.equal(baseOf(serviceUrl("http://127.0.0.1:8080/v2/", undefined, "SNELSTART_CONFIG", "API URL")), "http://127.0.0.1:8080/v2");
    for (const bad of ["http://api.example/v2", "https://user:pw@api.example/", "not a url"]) {
      assert.throws(
        () => serviceUrl(bad, "https://api.example/v2", "SNELSTART_CONFIG", "API URL"),
        (e: unknown) => e instanceof KoppelingError && e.code === "SNELSTART_CONFIG",
        bad,
      );
    }
  });

  it("an absolute link is re-aimed at the configured origin, as it goes on the wire", () => {
    assert.equal(requestTarget("https://elsewhere.invalid/api/rest/v1/orders/?start=50&size=25", "https://shop.example"), "/api/rest/v1/orders/?start=50&size=25");
    assert.equal(requestTarget("/api/rest/v1/orders/?a=b c", "https://shop.example"), "/api/rest/v1/orders/?a=b%20c");
  });

  it("two settings name one address regardless of host case, default port and trailing slash; what does not parse is compared as typed", () => {
    assert.equal(sameAddress("https://B2BApi.SnelStart.nl:443/v2/", "https://b2bapi.snelstart.nl/v2"), true);
    assert.equal(sameAddress("https://b2bapi.snelstart.nl/v2", "https://b2bapi.snelstart.nl/v3"), false);
    assert.equal(sameAddress("https://b2bapi.snelstart.nl:8443/v2", "https://b2bapi.snelstart.nl/v2"), false);
    assert.equal(sameAddress("not a url", "not a url"), true);
    assert.equal(sameAddress("not a url", "not a url/"), false);
  });

  it("a URL in an error has no credentials, query or fragment", () => {
    assert.equal(displayUrl("https://u:p@api.example/v2/relaties?$filter=Email eq 'a@b.nl'#x"), "https://api.example/v2/relaties");
    assert.equal(displayUrl("not a url?secret=1"), "not a url");
  });
});
