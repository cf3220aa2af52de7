/**
 * Where a key may travel: HTTPS anywhere, plain HTTP only to this machine; and both API clients
 * refuse anything else when they are made, before any request.
 */
import assert from "node:assert/strict";
import { CcvClient } from "../../src/ccv/client";
import { isLoopbackHost, secureUrl } from "../../src/secure-url";
import { SnelStartClient } from "../../src/snelstart/client";
import { refuses } from "./helpers/assert";

describe("unit: secure URLs", function () {
  it("knows the loopback hosts as the URL parser gives them", () => {
    for (const url of ["http://localhost:1880/", "http://LOCALHOST./", "http://sim.localhost/", "http://127.0.0.1:8081", "http://127.1/", "http://127.255.0.9/", "http://[::1]:8/", "http://[0:0:0:0:0:0:0:1]/", "http://[::ffff:127.0.0.1]/"]) {
      assert.ok(isLoopbackHost(new URL(url).hostname), url);
    }
    for (const url of ["http://10.0.0.1/", "http://128.0.0.1/", "http://localhost.example.nl/", "http://127.0.0.1.nip.io/", "http://[::2]/", "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/"]) {
      assert.ok(!isLoopbackHost(new URL(url).hostname), url);
    }
  });

  it("accepts https anywhere and http to loopback; refuses http elsewhere, other schemes, user info and non-URLs", () => {
    assert.equal(secureUrl("https://shop.example.nl", "CCV_CONFIG", "shop URL").host, "shop.example.nl");
    assert.equal(secureUrl(" http://127.0.0.1:8081/v2 ", "SNELSTART_CONFIG", "API URL").port, "8081");
    refuses(() => secureUrl("http://shop.example.nl", "CCV_CONFIG", "shop URL"), "CCV_CONFIG", /shop URL "http:\/\/shop\.example\.nl" must start with https:\/\//);
    refuses(() => secureUrl("ftp://127.0.0.1/", "SNELSTART_CONFIG", "API URL"), "SNELSTART_CONFIG", /https:\/\//);
    refuses(() => secureUrl("https://user:pw@shop.example.nl", "SNELSTART_CONFIG", "API URL"), "SNELSTART_CONFIG", /user name or password/);
    refuses(() => secureUrl("shop.example.nl", "SNELSTART_CONFIG", "API URL"), "SNELSTART_CONFIG", /is not a URL/);
  });

  it("the CCV and SnelStart clients refuse plain http to another machine when they are made", () => {
    refuses(() => new CcvClient({ shopUrl: "http://shop.example.nl", publicKey: "p", secret: "s" }), "CCV_CONFIG", /https/);
    assert.ok(new CcvClient({ shopUrl: "http://127.0.0.1:9", publicKey: "p", secret: "s" }));
    refuses(() => new SnelStartClient({ subscriptionKey: "s", koppelsleutel: "k", apiUrl: "http://b2bapi.example.nl/v2" }), "SNELSTART_CONFIG", /API URL/);
    refuses(() => new SnelStartClient({ subscriptionKey: "s", koppelsleutel: "k", tokenUrl: "http://auth.example.nl/token" }), "SNELSTART_CONFIG", /token URL/);
    const c = new SnelStartClient({ subscriptionKey: "s", koppelsleutel: "k" });
    assert.deepEqual([c.apiUrl, c.tokenUrl], ["https://b2bapi.snelstart.nl/v2", "https://auth.snelstart.nl/b2b/token"]);
  });
});
