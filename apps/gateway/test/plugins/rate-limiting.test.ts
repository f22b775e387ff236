import assert from "node:assert/strict";
import { test } from "node:test";
import { keyAuth, rateLimiting } from "@gatehouse/plugins";
import { steadyMinute } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("rate-limiting (local) through a gateway: per consumer after key-auth, exact headers, 429", async (t) => {
  const up = await echoUpstream(t);
  const config = doc(
    up.url,
    [{ name: "key-auth" }, { name: "rate-limiting", config: { minute: 2, hour: 10 } }],
    {
      consumers: [
        { username: "alice", keyauth_credentials: [{ key: "alice-key" }] },
        { username: "bob", keyauth_credentials: [{ key: "bob-key" }] },
      ],
    },
  );
  const gw = await gateway(t, config, [keyAuth, rateLimiting]);
  await steadyMinute();
  const get = (key: string) => fetch(`${gw.url}/api`, { headers: { apikey: key } });
  const a1 = await get("alice-key");
  assert.equal(a1.status, 200);
  assert.equal(a1.headers.get("x-ratelimit-limit-minute"), "2");
  assert.equal(a1.headers.get("x-ratelimit-remaining-minute"), "1");
  assert.equal(a1.headers.get("x-ratelimit-limit-hour"), "10");
  assert.equal(a1.headers.get("x-ratelimit-remaining-hour"), "9");
  assert.equal(a1.headers.get("ratelimit-limit"), "2");
  assert.equal(a1.headers.get("ratelimit-remaining"), "1");
  const reset = Number(a1.headers.get("ratelimit-reset"));
  assert.ok(reset >= 1 && reset <= 60);
  assert.equal((await get("alice-key")).status, 200);
  const refused = await get("alice-key");
  assert.equal(refused.status, 429);
  assert.deepEqual(await refused.json(), { message: "API rate limit exceeded" });
  assert.ok(Number(refused.headers.get("retry-after")) >= 1);
  assert.equal(refused.headers.get("x-ratelimit-remaining-hour"), "8");
  // another consumer has its own counters
  assert.equal((await get("bob-key")).status, 200);
  assert.equal(up.seen.length, 3);
});
