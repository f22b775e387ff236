import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { rateLimiting } from "@gatehouse/plugins";
import { redisForTest, startRedis, steadyMinute } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, gateway, gatewayProcess } from "./helpers.js";

// close this process's Redis clients (the in-process gateways share them) so the test process can exit
test.after(() => rateLimiting.dispose?.());

// Redis's timeout is 10 s, far from what a busy machine can delay a loopback answer by (with 500 ms
// a slow first connection was taken for a Redis down, and "fails fast" could not be told from three
// requests each waiting the timeout, 3 x 500 ms).
const redisConf = (r: { host: string; port: number }, extra: Record<string, unknown> = {}) => ({
  minute: 5,
  limit_by: "ip",
  policy: "redis",
  redis: { host: r.host, port: r.port, timeout: 10_000 },
  ...extra,
});

test("policy redis: two gateway processes share one limit (5/minute: 3 + 2 pass, the 6th is 429)", async (t) => {
  const redis = await redisForTest(t);
  const up = await echoUpstream(t);
  const config = doc(up.url, [{ name: "rate-limiting", config: redisConf(redis) }]);
  const [a, b] = await Promise.all([gatewayProcess(t, config), gatewayProcess(t, config)]);
  await steadyMinute();
  const statuses: number[] = [];
  const remaining: (string | null)[] = [];
  for (const gw of [a, b, a, b, a, b]) {
    const r = await fetch(`${gw.url}/api`);
    await r.arrayBuffer();
    statuses.push(r.status);
    remaining.push(r.headers.get("x-ratelimit-remaining-minute"));
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  assert.deepEqual(remaining, ["4", "3", "2", "1", "0", "0"]);
  assert.equal(up.seen.length, 5);
});

test("policy redis: Redis down with fault_tolerant true → proxied without limiting or headers", async (t) => {
  const redis = await startRedis(t);
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc(up.url, [{ name: "rate-limiting", config: redisConf(redis, { minute: 1 }) }]),
    [rateLimiting],
  );
  const first = await fetch(`${gw.url}/api`);
  assert.equal(first.status, 200);
  assert.equal(first.headers.get("ratelimit-remaining"), "0");
  await redis.stop();
  for (let i = 0; i < 3; i++) {
    const r = await fetch(`${gw.url}/api`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("ratelimit-remaining"), null);
  }
});

test("policy redis: Redis down with fault_tolerant false → 500", async (t) => {
  const redis = await startRedis(t);
  const up = await echoUpstream(t);
  const conf = redisConf(redis, { fault_tolerant: false });
  const gw = await gateway(t, doc(up.url, [{ name: "rate-limiting", config: conf }]), [
    rateLimiting,
  ]);
  assert.equal((await fetch(`${gw.url}/api`)).status, 200);
  await redis.stop();
  const r = await fetch(`${gw.url}/api`);
  assert.equal(r.status, 500);
  assert.deepEqual(await r.json(), { message: "An unexpected error occurred" });
  assert.equal(up.seen.length, 1);
});

test("policy redis: a Redis that never answered fails fast (no request waits for reconnects)", async (t) => {
  const redis = await startRedis(t);
  await redis.stop(); // nothing listens on that port any more
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc(up.url, [{ name: "rate-limiting", config: redisConf(redis) }]), [
    rateLimiting,
  ]);
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`${gw.url}/api`)).status, 200);
  // requests that each waited for Redis would take 3 x 10 s
  assert.ok(performance.now() - t0 < 10_000, "requests waited for Redis");
});

test("sync_rate with Kong's flat redis_* fields: two gateway processes count locally, flush to one Redis, then both refuse", async (t) => {
  const redis = await redisForTest(t);
  const up = await echoUpstream(t);
  const config = doc(up.url, [
    {
      // its own counters: not shared with this file's other tests (or another run) in the same minute
      id: randomUUID(),
      name: "rate-limiting",
      config: {
        minute: 4,
        limit_by: "ip",
        policy: "redis",
        sync_rate: 0.2,
        redis_host: redis.host,
        redis_port: redis.port,
        redis_timeout: 500,
      },
    },
  ]);
  const [a, b] = await Promise.all([gatewayProcess(t, config), gatewayProcess(t, config)]);
  await steadyMinute();
  const status = async (gw: { url: string }) => {
    const r = await fetch(`${gw.url}/api`);
    await r.arrayBuffer();
    return r.status;
  };
  const first: number[] = [];
  for (const gw of [a, b, a, b]) first.push(await status(gw));
  assert.deepEqual(first, [200, 200, 200, 200]);
  await new Promise((r) => setTimeout(r, 800)); // both flushed their 2 counts: 4 in Redis
  assert.deepEqual([await status(a), await status(b)], [429, 429]);
  assert.equal(up.seen.length, 4);
});
