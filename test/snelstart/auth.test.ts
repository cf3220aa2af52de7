import assert from "node:assert/strict";
import { listen, send, type Listening } from "../../sim/http";
import { SnelStartClient } from "../../src/snelstart/client";
import { control, createConsumer, openThrottle, rawApi, rejectsWith, setup, sleep, type Setup } from "./helpers";

describe("SnelStart auth: token exchange and renewal", () => {
  let s: Setup;
  afterEach(async () => s.close());

  it("exchanges the koppelsleutel once (form body) and reuses the token for later calls", async () => {
    s = await setup();
    for (let i = 0; i < 3; i++) await s.client.companyInfo();
    assert.equal(s.sim.state.tokensIssued, 1);
    assert.equal(s.sim.state.requests.get("POST", "/b2b/token"), 1);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 3);
  });

  it("two clients on one administration share the cached token", async () => {
    s = await setup();
    await s.client.companyInfo();
    await s.makeClient().companyInfo();
    assert.equal(s.sim.state.tokensIssued, 1);
  });

  it("the token endpoint reads credentials from the body only", async () => {
    s = await setup();
    const res = await fetch(`${s.sim.tokenUrl}?grant_type=clientkey&clientkey=${encodeURIComponent(s.koppelsleutel)}`, { method: "POST" });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, "unsupported_grant_type");
    assert.equal(s.sim.state.tokensIssued, 0);
  });

  it("a wrong koppelsleutel: the token endpoint answers 400 {error: invalid_grant, error_description}", async () => {
    s = await setup();
    const res = await fetch(s.sim.tokenUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=clientkey&clientkey=not-the-key" });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: "invalid_grant", error_description: "De koppelsleutel is ongeldig." });
    const missing = await fetch(s.sim.tokenUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=clientkey" });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, "invalid_request");
    assert.equal(s.sim.state.tokensIssued, 0);
  });

  it("a wrong koppelsleutel is SNELSTART_AUTH naming the reason, and no API call is made", async () => {
    s = await setup();
    const err = await rejectsWith(s.makeClient({ koppelsleutel: "not-the-key" }).companyInfo(), "SNELSTART_AUTH");
    assert.equal(err.message, "SnelStart refused the koppelsleutel (token endpoint, HTTP 400): invalid_grant: De koppelsleutel is ongeldig.");
    assert.equal(err.details.status, 400);
    assert.equal(err.details.oauthError, "invalid_grant");
    assert.equal(err.details.reason, "invalid_grant: De koppelsleutel is ongeldig.");
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 0);
  });

  it("the official client's password grant: base64(username:password) is the koppelsleutel", async () => {
    const koppelsleutel = Buffer.from(`user-${process.pid}:secret`).toString("base64");
    s = await setup({ koppelsleutel });
    const token = (body: string) => fetch(s.sim.tokenUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
    const ok = await token(new URLSearchParams({ grant_type: "password", username: `user-${process.pid}`, password: "secret" }).toString());
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { token_type: string }).token_type, "bearer");
    const wrong = await token(new URLSearchParams({ grant_type: "password", username: `user-${process.pid}`, password: "other" }).toString());
    assert.equal(wrong.status, 400);
    assert.equal(((await wrong.json()) as { error: string }).error, "invalid_grant");
    assert.equal(s.sim.state.tokensIssued, 1);
  });

  it("renews a token that has expired by the clock, before using it, without an error or a 401", async () => {
    let t = Date.parse("2025-03-14T10:00:00Z");
    const now = () => t;
    s = await setup({ now }, { now });
    await s.client.companyInfo();
    t += 3_600_000;
    await s.client.companyInfo();
    assert.equal(s.sim.state.tokensIssued, 2);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 2, "no call was refused and repeated");
  });

  it("renews 60 s before expiry, while the old token would still be accepted", async () => {
    let t = Date.parse("2025-03-14T10:00:00Z");
    const now = () => t;
    s = await setup({ now }, { now });
    await s.client.companyInfo();
    t += 3_599_000 - 60_000 - 1;
    await s.client.companyInfo();
    assert.equal(s.sim.state.tokensIssued, 1, "not yet");
    t += 2;
    await s.client.companyInfo();
    assert.equal(s.sim.state.tokensIssued, 2);
  });

  it("with a very short token lifetime renews at half of it and never sees a 401", async () => {
    s = await setup({ tokenTtlSeconds: 1 });
    await s.client.companyInfo();
    await sleep(1_100);
    await s.client.companyInfo();
    assert.equal(s.sim.state.tokensIssued, 2);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 2);
  });

  it("a revoked token (401) is renewed once and the call repeated: the caller sees no error", async () => {
    s = await setup();
    await s.client.companyInfo();
    const expired = await control(s.sim, "POST", "/__sim/expire-tokens");
    assert.deepEqual(expired.body, { expired: 1 });
    const info = await s.client.companyInfo();
    assert.equal(info.administratieNaam, "Demo Webwinkel B.V.");
    assert.equal(s.sim.state.tokensIssued, 2);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 3, "first call, the refused one, the repeat");
  });

  it("a POST refused with 401 is sent again once after renewal and stored once", async () => {
    s = await setup();
    await s.client.companyInfo();
    await control(s.sim, "POST", "/__sim/expire-tokens");
    const r = await createConsumer(s.client);
    assert.equal(s.sim.state.requests.get("POST", "/v2/relaties"), 2);
    assert.equal([...s.sim.state.relaties.values()].filter((x) => x.id === r.id).length, 1);
    assert.equal(s.sim.state.relaties.size, 3, "two seeded relaties and this one");
  });

  it("an expired token sent raw is refused with 401", async () => {
    let t = Date.parse("2025-03-14T10:00:00Z");
    s = await setup({ now: () => t });
    const token = await (await fetch(s.sim.tokenUrl, { method: "POST", body: `grant_type=clientkey&clientkey=${s.koppelsleutel}` })).json();
    t += 3_600_000;
    const res = await fetch(`${s.sim.apiBase}/companyInfo`, {
      headers: { Authorization: `Bearer ${(token as { access_token: string }).access_token}`, "Ocp-Apim-Subscription-Key": "demo-subscription" },
    });
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { message: string }).message, /expired/);
  });

  it("a wrong subscription key is SNELSTART_AUTH, without renewing the token in a loop", async () => {
    s = await setup();
    const err = await rejectsWith(s.makeClient({ subscriptionKey: "wrong" }).companyInfo(), "SNELSTART_AUTH");
    assert.match(err.message, /invalid subscription key/);
    assert.equal(err.details.status, 401);
    assert.equal(s.sim.state.tokensIssued, 1);
    assert.equal(s.sim.state.requests.get("GET", "/v2/companyInfo"), 1);
  });

  it("a missing subscription key is 401 with the gateway body, and SNELSTART_AUTH in the client", async () => {
    s = await setup();
    const res = await rawApi(s, "GET", "/companyInfo", { headers: { "Ocp-Apim-Subscription-Key": "" } });
    assert.equal(res.status, 401);
    assert.deepEqual(Object.keys(res.body as object).sort(), ["message", "statusCode"]);
    assert.match((res.body as { message: string }).message, /missing subscription key/);
    await rejectsWith(s.makeClient({ subscriptionKey: "" }).companyInfo(), "SNELSTART_AUTH");
  });

  it("a call without a bearer token is refused with 401", async () => {
    s = await setup();
    const res = await fetch(`${s.sim.apiBase}/companyInfo`, { headers: { "Ocp-Apim-Subscription-Key": "demo-subscription" } });
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { message: string }).message, /Access token is missing or invalid/);
  });
});

describe("SnelStart auth: a token endpoint that answers a bare {error} text", () => {
  let server: Listening;
  before(async () => {
    // The wording [S4]'s fake (docs/reference/snelstart-api.md#sources) uses for a refused key: no
    // error_description, the reason in `error`.
    server = await listen((_req, res) => send(res, { status: 400, body: { error: "GrantType clientkey was found. Parameter clientkey does not contain a valid value" } }));
  });
  after(async () => server.close());

  it("is SNELSTART_AUTH with that text as the reason", async () => {
    const c = new SnelStartClient({ subscriptionKey: "k", koppelsleutel: `bare-error-${process.pid}`, apiUrl: `${server.url}/v2`, tokenUrl: `${server.url}/b2b/token`, throttle: openThrottle() });
    const err = await rejectsWith(c.companyInfo(), "SNELSTART_AUTH");
    assert.match(err.message, /HTTP 400\): GrantType clientkey was found\. Parameter clientkey does not contain a valid value$/);
    assert.equal(err.details.oauthError, undefined);
  });
});
