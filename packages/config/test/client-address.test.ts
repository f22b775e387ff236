// The client address behind trusted proxies: the one rule of the data plane (X-Real-IP) and the
// control plane (sign-in throttle, audit log).
import assert from "node:assert/strict";
import { test } from "node:test";
import { clientAddress, compileTrustedProxies } from "../src/index.js";

const none = compileTrustedProxies([]);
const proxies = compileTrustedProxies(["10.0.0.0/8", "::1"]);

test("a spoofed X-Forwarded-For from an untrusted peer is ignored", () => {
  assert.equal(clientAddress("203.0.113.9", "198.51.100.1", none), "203.0.113.9");
  assert.equal(clientAddress("203.0.113.9", "198.51.100.1", proxies), "203.0.113.9");
  assert.equal(clientAddress("::ffff:203.0.113.9", undefined, proxies), "203.0.113.9");
});

test("behind trusted proxies: the right-most address that is not a trusted proxy", () => {
  assert.equal(
    clientAddress("10.0.0.2", "198.51.100.1, 203.0.113.5, 10.0.0.7", proxies),
    "203.0.113.5",
  );
  assert.equal(clientAddress("::1", "203.0.113.5", proxies), "203.0.113.5");
  assert.equal(clientAddress("10.0.0.2", "10.0.0.3, 10.0.0.4", proxies), "10.0.0.3");
  assert.equal(clientAddress("10.0.0.2", undefined, proxies), "10.0.0.2");
  assert.equal(clientAddress("10.0.0.2", "203.0.113.5, , ", proxies), "203.0.113.5");
});

test("a malformed entry stops the walk at the last address a trusted hop vouched for", () => {
  assert.equal(clientAddress("10.0.0.2", "203.0.113.5, evil, 10.0.0.9", proxies), "10.0.0.9");
  assert.equal(clientAddress("10.0.0.2", "not-an-address", proxies), "10.0.0.2");
});

test("trusted proxy entries are checked, naming the entry", () => {
  assert.throws(
    () => compileTrustedProxies(["10.0.0.0/8", "example.com"]),
    /trustedProxies\[1\]: "example.com"/,
  );
  assert.throws(() => compileTrustedProxies(["10.0.0.0/33"]), /trustedProxies\[0\]/);
});
