import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { Redis } from "ioredis";
import { proxyCache } from "@gatehouse/plugins";
import { redisForTest } from "@gatehouse/plugins/testing";
import { listen, send } from "../helpers.js";
import { gateway, gatewayProcess } from "./helpers.js";

// close this process's Redis clients (in-process gateways share them) so the test process can exit
test.after(() => proxyCache.dispose?.());

const PREFIX = "gatehouse:proxy-cache:";
/** a database of its own, so a flush here never meets another test's entries */
const DATABASE = 9;

async function countingUpstream(t: TestContext) {
  const seen: string[] = [];
  const url = await listen(
    createServer((req, res) => {
      seen.push(req.url ?? "");
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ hit: seen.length }));
    }),
    t,
  );
  return { url, seen };
}

function cacheDoc(url: string, redis: { host: string; port: number }, ttl = 300) {
  return {
    _format_version: "3.0",
    services: [
      {
        name: "s",
        url,
        routes: [
          {
            id: "00000000-0000-4000-8000-000000000001",
            name: "r1",
            paths: ["/r1"],
            plugins: [
              {
                id: "00000000-0000-4000-8000-0000000000c1",
                name: "proxy-cache",
                config: {
                  strategy: "redis",
                  cache_ttl: ttl,
                  redis: { host: redis.host, port: redis.port, database: DATABASE, timeout: 1000 },
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

async function redisFor(t: TestContext, r: { host: string; port: number }) {
  const client = new Redis({ host: r.host, port: r.port, db: DATABASE });
  t.after(() => client.quit());
  return client;
}

test("proxy-cache strategy redis: a response cached by one data plane is a Hit on another (shared cache), with Age; Redis expires it after cache_ttl; a purge through one data plane's control endpoint reaches all", async (t) => {
  const redis = await redisForTest(t);
  const client = await redisFor(t, redis);
  const up = await countingUpstream(t);
  const config = cacheDoc(up.url, redis, 30);
  const [a, b] = await Promise.all([gatewayProcess(t, config), gatewayProcess(t, config)]);
  const path = `/r1/shared-${Date.now()}`;

  const miss = await send(`${a.url}${path}`);
  assert.equal(miss.headers["x-cache-status"], "Miss");
  const key = miss.headers["x-cache-key"] as string;
  // stored after the response: wait until Redis has it
  for (let i = 0; i < 50 && (await client.exists(PREFIX + key)) === 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  const ttl = await client.ttl(PREFIX + key);
  assert.ok(ttl > 25 && ttl <= 30, `Redis expiry ${ttl} s`);

  const hit = await send(`${b.url}${path}`);
  assert.equal(hit.headers["x-cache-status"], "Hit");
  assert.equal(hit.headers["x-cache-key"], key);
  assert.match(hit.headers.age as string, /^\d+$/);
  assert.equal(hit.text, miss.text);
  assert.equal(up.seen.length, 1);

  // DELETE /v1/plugins/proxy-cache/{plugin_id}/caches/{key} on b purges the shared entry
  const auth = { authorization: `Bearer ${b.token}` };
  const plugin = "00000000-0000-4000-8000-0000000000c1";
  const got = await send(`${b.controlUrl}/v1/plugins/proxy-cache/${plugin}/caches/${key}`, {
    headers: auth,
  });
  assert.equal(got.status, 200);
  const entry = got.json() as Record<string, unknown>;
  assert.equal(entry.plugin_id, plugin);
  assert.equal(entry.strategy, "redis");
  assert.equal(entry.status, 200);
  assert.equal(entry.body, miss.text);
  const del = await send(`${b.controlUrl}/v1/plugins/proxy-cache/${plugin}/caches/${key}`, {
    method: "DELETE",
    headers: auth,
  });
  assert.equal(del.status, 204);
  assert.equal(await client.exists(PREFIX + key), 0);
  const again = await send(`${b.controlUrl}/v1/plugins/proxy-cache/caches/${key}`, {
    method: "DELETE",
    headers: auth,
  });
  assert.equal(again.status, 404);
  assert.equal((await send(`${a.url}${path}`)).headers["x-cache-status"], "Miss");
  assert.equal(up.seen.length, 2);
});

test("proxy-cache strategy redis: DELETE /v1/plugins/proxy-cache/caches flushes only proxy-cache entries; a down Redis is a plain proxied request (Kong: logged, neither served nor stored)", async (t) => {
  const redis = await redisForTest(t);
  const client = await redisFor(t, redis);
  await client.set("not-a-cache-entry", "kept");
  const up = await countingUpstream(t);
  const gw = await gateway(t, cacheDoc(up.url, redis));
  const path = `/r1/flush-${Date.now()}`;
  assert.equal((await send(`${gw.url}${path}`)).headers["x-cache-status"], "Miss");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal((await send(`${gw.url}${path}`)).headers["x-cache-status"], "Hit");
  const flush = await send(`${gw.controlUrl}/v1/plugins/proxy-cache/caches`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${gw.token}` },
  });
  assert.equal(flush.status, 204);
  assert.equal((await client.keys(`${PREFIX}*`)).length, 0);
  assert.equal(await client.get("not-a-cache-entry"), "kept");
  await client.del("not-a-cache-entry");
  assert.equal((await send(`${gw.url}${path}`)).headers["x-cache-status"], "Miss");

  // a Redis nobody listens on: proxied, no cache status, never an error answer
  const down = await gateway(t, cacheDoc(up.url, { host: "127.0.0.1", port: 1 }));
  const r = await send(`${down.url}${path}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers["x-cache-status"], undefined);
  const cp = await send(`${down.controlUrl}/v1/plugins/proxy-cache/caches`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${down.token}` },
  });
  assert.equal(cp.status, 503);
  assert.match((cp.json() as { message: string }).message, /^the cache store failed/);
});
