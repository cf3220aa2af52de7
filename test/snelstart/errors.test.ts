import assert from "node:assert/strict";
import { listen, send, type Listening } from "../../sim/http";
import { errorSpec } from "../../src/error-codes";
import type { HttpError } from "../../src/http/errors";
import { SnelStartClient } from "../../src/snelstart/client";
import { parseErrorBody, snelStartError } from "../../src/snelstart/errors";
import { openThrottle, rejectsWith } from "./helpers";

/** The error of an answer with `status` and `body` to `request` (`METHOD path`). */
const answered = (status: number, body: unknown, request: string) =>
  snelStartError(status, body, request, { status, method: request.split(" ")[0], url: `https://b2bapi.snelstart.nl/v2${request.split(" ")[1]}`, unknownOutcome: false });

describe("SnelStart error bodies -> KoppelingError (unit)", () => {
  it("shape 1: an array of {errorCode, message}: the first code wins, every item is kept", () => {
    const body = [
      { errorCode: "BOE-0021", message: "Het factuurnummer bestaat al", details: null },
      { errorCode: "BOE-0039", message: "De boeking is niet in balans", details: null },
    ];
    const err = answered(400, body, "POST /verkoopboekingen");
    assert.equal(err.code, "SNELSTART_BOE_0021");
    assert.equal(err.details.status, 400);
    assert.deepEqual(err.details.errors, [
      { errorCode: "BOE-0021", message: "Het factuurnummer bestaat al" },
      { errorCode: "BOE-0039", message: "De boeking is niet in balans" },
    ]);
    assert.match(err.message, /POST \/verkoopboekingen failed \(400\): BOE-0021 Het factuurnummer bestaat al; BOE-0039 De boeking is niet in balans/);
  });

  it("shape 1 with a string in details: kept apart from the message and shown after it", () => {
    const body = [{ errorCode: "BOE-0082", message: "Een btw-soort ontbreekt, of komt niet overeen met de btwsoort van de grootboekrekening.", details: "regel 3: Laag op 8000" }];
    const err = answered(400, body, "POST /verkoopboekingen");
    assert.deepEqual(err.details.errors, [{ errorCode: "BOE-0082", message: body[0].message, details: "regel 3: Laag op 8000" }]);
    assert.match(err.message, /BOE-0082 Een btw-soort ontbreekt, .* \(regel 3: Laag op 8000\)$/);
  });

  it("shape 2: {modelState: {field: [msg]}} at the top level", () => {
    const err = answered(400, { message: "The request is invalid.", modelState: { "model.factuurnummer": ["Het veld is verplicht.", "Te lang."] } }, "POST /verkoopboekingen");
    assert.equal(err.code, "SNELSTART_VALIDATION");
    assert.deepEqual(err.details.errors, [
      { errorCode: null, message: "The request is invalid." },
      { errorCode: null, message: "Het veld is verplicht.", field: "model.factuurnummer" },
      { errorCode: null, message: "Te lang.", field: "model.factuurnummer" },
    ]);
    assert.match(err.message, /model\.factuurnummer: Het veld is verplicht\./);
  });

  it("shape 2 inside an array item, with a code in the message", () => {
    const err = answered(400, [{ modelState: { naam: ["REL-0007 Naam is verplicht."] } }], "POST /relaties");
    assert.equal(err.code, "SNELSTART_REL_0007");
    assert.deepEqual(err.details.errors, [{ errorCode: "REL-0007", message: "REL-0007 Naam is verplicht.", field: "naam" }]);
  });

  it("shape 3: {Message} and gateway {message}; a code inside the text is found", () => {
    assert.equal(answered(400, { Message: "ALG-0104: Ongeldig OData filter" }, "GET /relaties").code, "SNELSTART_ALG_0104");
    const server = answered(500, { Message: "An error has occurred." }, "GET /landen");
    assert.equal(server.code, "SNELSTART_SERVER");
    assert.match(server.message, /An error has occurred\./);
    const auth = answered(401, { statusCode: 401, message: "Access denied due to invalid subscription key." }, "GET /companyInfo");
    assert.equal(auth.code, "SNELSTART_AUTH");
    assert.match(auth.message, /invalid subscription key/);
  });

  it("falls back to a code per status", () => {
    const cases: Array<[number, string]> = [
      [400, "SNELSTART_VALIDATION"],
      [401, "SNELSTART_AUTH"],
      [403, "SNELSTART_FORBIDDEN"],
      [404, "SNELSTART_NOT_FOUND"],
      [429, "SNELSTART_RATE_LIMIT"],
      [503, "SNELSTART_SERVER"],
    ];
    for (const [status, code] of cases) assert.equal(answered(status, undefined, "GET /x").code, code, String(status));
    assert.match(answered(502, undefined, "GET /x").message, /HTTP 502/);
  });

  it("plain text, the token endpoint's OAuth body and junk", () => {
    assert.deepEqual(parseErrorBody("Bad Gateway"), [{ errorCode: null, message: "Bad Gateway" }]);
    assert.deepEqual(parseErrorBody({ error: "invalid_grant", error_description: "De koppelsleutel is ongeldig." }), [
      { errorCode: null, message: "invalid_grant: De koppelsleutel is ongeldig." },
    ]);
    assert.deepEqual(parseErrorBody([null, 3, { unrelated: true }]), []);
    assert.deepEqual(parseErrorBody(null), []);
  });
});

describe("SnelStart client: a response that does not match the schema", () => {
  let server: Listening;
  before(async () => {
    // A server that is not SnelStart: valid token, then ledgers with a wrong field.
    server = await listen((req, res) => {
      if (req.url?.startsWith("/b2b/token")) return send(res, { status: 200, body: { access_token: "t", token_type: "bearer", expires_in: 3599 } });
      send(res, { status: 200, body: [{ id: "10000000-0000-4000-8000-000000008000", nummer: "8000", omschrijving: "Omzet hoog" }] });
    });
  });
  after(async () => server.close());

  it("is SNELSTART_INVALID_RESPONSE naming the field", async () => {
    const c = new SnelStartClient({ subscriptionKey: "k", koppelsleutel: "invalid-response-test", apiUrl: `${server.url}/v2`, tokenUrl: `${server.url}/b2b/token`, throttle: openThrottle() });
    const err = await rejectsWith(c.grootboeken(), "SNELSTART_INVALID_RESPONSE");
    assert.match(err.message, /0\.nummer/);
    assert.deepEqual((err.details.issues as Array<{ path: string }>)[0].path, "0.nummer");
  });
});

describe("SnelStart client: an answer that redirects", () => {
  let server: Listening;
  let hits: string[] = [];
  before(async () => {
    // A server that is not SnelStart's API: a valid token, then a redirect for everything else.
    server = await listen((req, res) => {
      if (req.url?.startsWith("/b2b/token")) return send(res, { status: 200, body: { access_token: "t", token_type: "bearer", expires_in: 3599 } });
      hits.push(`${req.method} ${req.url}`);
      send(res, { status: 307, headers: { Location: "https://elsewhere.example/v2/verkoopboekingen" } });
    });
  });
  beforeEach(() => (hits = []));
  after(async () => server.close());

  it("is SNELSTART_CONFIG naming the address, once, not followed: not a refusal of the document, not an unknown outcome", async () => {
    const c = new SnelStartClient({ subscriptionKey: "k", koppelsleutel: "redirect-test", apiUrl: `${server.url}/v2`, tokenUrl: `${server.url}/b2b/token`, throttle: openThrottle() });
    const err = await rejectsWith(c.createVerkoopboeking({} as Parameters<SnelStartClient["createVerkoopboeking"]>[0]), "SNELSTART_CONFIG");
    assert.match(err.message, /redirected \(HTTP 307\) to https:\/\/elsewhere\.example\/v2\/verkoopboekingen/);
    assert.deepEqual(hits, ["POST /v2/verkoopboekingen"], "sent once, the redirect not followed");
    assert.deepEqual([errorSpec(err.code)?.refusesDocument, errorSpec(err.code)?.retryable, (err as HttpError).unknownOutcome, (err as HttpError).status], [undefined, false, false, 307]);
  });
});
