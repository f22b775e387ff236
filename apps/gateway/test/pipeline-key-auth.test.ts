import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

const config = (up: string, cred: Record<string, string>) =>
  doc([{ name: "s", url: up, routes: [{ paths: ["/api"], plugins: [{ name: "key-auth" }] }] }], {
    consumers: [{ username: "alice", keyauth_credentials: [cred] }],
  });

test("key-auth: 401 with WWW-Authenticate without a key, 200 with a plaintext key", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, config(up, { key: "alice-key" }));
  const none = await send(`${gw.url}/api`);
  assert.equal(none.status, 401);
  assert.equal(none.headers["www-authenticate"], "Key");
  // Kong 3.6+: a wrong key is a plain 401 Unauthorized with the bare `Key` challenge
  const wrong = await send(`${gw.url}/api`, { headers: { apikey: "wrong" } });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.json(), { message: "Unauthorized" });
  assert.equal(wrong.headers["www-authenticate"], "Key");
  const ok = await send(`${gw.url}/api`, { headers: { apikey: "alice-key" } });
  assert.equal(ok.status, 200);
  const seen = ok.json() as { headers: Record<string, string> };
  assert.equal(seen.headers["x-consumer-username"], "alice");
});

test("key-auth with hashed keys (key_hash, HMAC-SHA256 with GATEHOUSE_KEY_HASH_SECRET)", async (t) => {
  const up = await echoUpstream(t);
  const secret = "hash-secret";
  const keyHash = createHmac("sha256", secret).update("bob-key").digest("hex");
  const gw = await gateway(t, config(up, { key_hash: keyHash }), { keyHashSecret: secret });
  assert.equal((await send(`${gw.url}/api`, { headers: { apikey: "bob-key" } })).status, 200);
  assert.equal((await send(`${gw.url}/api`, { headers: { apikey: keyHash } })).status, 401);
});
