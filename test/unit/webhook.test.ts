/**
 * The webhook endpoint's checks as pure functions: the token's form and its constant-time match,
 * the body (size, nesting, JSON, the order id) and the `x-hash` over the shop's webhook keys,
 * listed again only when old or at most once a minute when a hash fails.
 */
import assert from "node:assert/strict";
import { ccvWebhookHash } from "../../src/ccv/signing";
import { MAX_BODY_BYTES, matchToken, readWebhookBody, tokenDigest, tokenProblem, verifyWebhookHash, webhookHashCheck, webhookKeysFor, wireForms } from "../../src/ccv/webhook";
import type { CcvWebhook } from "../../src/ccv/schemas";

const TOKEN = "a".repeat(16) + "0123456789abcdef";
const body = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v), "utf8");

describe("unit: webhook checks", function () {
  it("a token has at least 32 URL-safe characters", () => {
    assert.equal(tokenProblem(TOKEN), null);
    assert.match(String(tokenProblem("x".repeat(31))), /at least 32 characters \(it has 31\)/);
    assert.match(String(tokenProblem(`${TOKEN}/x`)), /letters, digits/);
    assert.match(String(tokenProblem("")), /at least 32/);
  });

  it("matches a token against every registered digest", () => {
    const digests = [tokenDigest("b".repeat(40)), tokenDigest(TOKEN), tokenDigest(TOKEN.toUpperCase())];
    assert.equal(matchToken(TOKEN, digests), 1);
    assert.equal(matchToken(TOKEN.toUpperCase(), digests), 2);
    assert.equal(matchToken(`${TOKEN}x`, digests), -1);
    assert.equal(matchToken("", digests), -1);
    assert.equal(matchToken(TOKEN, []), -1);
  });

  it("reads the order id of a body and refuses everything else with a code", () => {
    assert.deepEqual(readWebhookBody(body({ id: 339493812, order_number: 3, status: "weird", customer_email: null })), { ok: true, id: 339493812 });
    assert.deepEqual(readWebhookBody(body({ id: "42" })), { ok: true, id: 42 });
    const refused = (raw: Buffer) => {
      const r = readWebhookBody(raw);
      assert.ok(!r.ok);
      return [r.status, r.code];
    };
    assert.deepEqual(refused(body({ id: 1, pad: "x".repeat(MAX_BODY_BYTES) })), [413, "WEBHOOK_TOO_LARGE"]);
    for (const bad of ['{"id":1', "", "null", "[1]", '"x"', JSON.stringify({ id: 0 }), JSON.stringify({ id: -1 }), JSON.stringify({ id: 1.5 }), JSON.stringify({ id: "1e3" }), JSON.stringify({ id: 2 ** 60 }), JSON.stringify({ order: 1 })]) {
      assert.deepEqual(refused(body(bad)), [400, "WEBHOOK_INVALID"], bad);
    }
    let deep: unknown = 1;
    for (let i = 0; i < 8; i++) deep = { a: deep };
    assert.deepEqual(readWebhookBody(body({ id: 7, deep: (deep as { a: unknown }).a })), { ok: true, id: 7 }, "8 levels in all");
    assert.deepEqual(refused(body({ id: 7, deep })), [400, "WEBHOOK_INVALID"], "9 levels");
  });

  it("gives the wire forms a parsed body may have had: compact JavaScript and PHP json_encode", () => {
    const forms = wireForms({ id: 5, href: "https://s.example.nl/api/rest/v1/orders/5", name: "Café €" }).map(String);
    assert.deepEqual(forms, ['{"id":5,"href":"https://s.example.nl/api/rest/v1/orders/5","name":"Café €"}', '{"id":5,"href":"https:\\/\\/s.example.nl\\/api\\/rest\\/v1\\/orders\\/5","name":"Caf\\u00e9 \\u20ac"}']);
    assert.equal(wireForms({ id: 5 }).length, 1, "one form when both agree");
  });

  it("verifies an x-hash against the keys of the webhooks for an address", () => {
    const raw = body({ id: 5 });
    const hooks = [
      { address: "https://nr.example.nl/ccv-snelstart/webhook/t", key: "k1" },
      { address: "https://nr.example.nl/ccv-snelstart/webhook/t", key: "k2" },
    ];
    const hash = ccvWebhookHash("k2", hooks[1].address, raw.toString());
    assert.ok(verifyWebhookHash(raw, hash, hooks));
    assert.ok(verifyWebhookHash(raw, hash.toUpperCase(), hooks), "hex in any case");
    assert.ok(!verifyWebhookHash(body({ id: 6 }), hash, hooks), "another body");
    assert.ok(!verifyWebhookHash(raw, hash, [{ ...hooks[1], address: "https://other.example.nl/ccv-snelstart/webhook/t" }]), "another address");
    assert.ok(!verifyWebhookHash(raw, hash.slice(0, 64), hooks));
    assert.ok(!verifyWebhookHash(raw, hash, []));
  });

  it("takes the keys of the shop's active webhooks for this token's address, on any host and root", () => {
    const hook = (id: number, address: string, over: Partial<CcvWebhook> = {}): CcvWebhook => ({ id, event: "orders.created", address, key: `k${id}`, is_active: true, ...over });
    const hooks = [
      hook(1, `https://nr.example.nl/ccv-snelstart/webhook/${TOKEN}`),
      hook(2, `https://other.example.nl/red/ccv-snelstart/webhook/${TOKEN}`, { is_active: null }),
      hook(3, `https://nr.example.nl/ccv-snelstart/webhook/${TOKEN}`, { is_active: false }),
      hook(4, `https://nr.example.nl/ccv-snelstart/webhook/${TOKEN}`, { key: "" }),
      hook(5, `https://nr.example.nl/ccv-snelstart/webhook/other-${TOKEN}`),
      hook(6, `https://nr.example.nl/ccv-snelstart/webhook/${TOKEN}/more`),
      hook(7, `not a url/ccv-snelstart/webhook/${TOKEN}`),
    ];
    assert.deepEqual(
      webhookKeysFor(hooks, TOKEN).map((k) => k.key),
      ["k1", "k2"],
    );
    assert.deepEqual(webhookKeysFor(hooks, "b".repeat(32)), []);
  });

  it("lists the keys once, again when old or forgotten, and at most once a minute after a hash that does not verify", async () => {
    let now = 0;
    let lists = 0;
    const address = "https://nr.example.nl/ccv-snelstart/webhook/t";
    let keys = [{ address, key: "old" }];
    const check = webhookHashCheck(
      async () => {
        lists++;
        return keys;
      },
      { ttlMs: 600_000, refreshMs: 60_000, now: () => now },
    );
    const raw = body({ id: 9 });
    const signed = (key: string) => ccvWebhookHash(key, address, raw.toString());
    assert.equal(await check.verify(raw, signed("old")), true);
    assert.equal(await check.verify(raw, signed("old")), true);
    assert.equal(lists, 1, "kept");
    keys = [{ address, key: "new" }];
    now = 10_000;
    assert.equal(await check.verify(raw, signed("new")), false, "too soon to list again");
    assert.equal(lists, 1);
    now = 70_000;
    assert.equal(await check.verify(raw, signed("new")), true, "listed again after a minute");
    assert.equal(lists, 2);
    now = 700_000;
    assert.equal(await check.verify(raw, signed("new")), true);
    assert.equal(lists, 3, "listed again when old");
    keys = [{ address, key: "newer" }];
    now = 700_001;
    check.forget();
    assert.equal(await check.verify(raw, signed("newer")), true, "forgotten (after register-webhooks): listed again at once");
    assert.equal(lists, 4);
    const failing = webhookHashCheck(() => Promise.reject(new Error("CCV unreachable")));
    await assert.rejects(failing.verify(raw, signed("new")), /unreachable/);
  });
});
