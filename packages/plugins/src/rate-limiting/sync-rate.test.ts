// sync_rate with a real Redis (REDIS_URL, else a redis-server of our own): Kong's batched redis policy.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { Redis } from "ioredis";
import { rateLimiting } from "../index.js";
import { redisForTest, steadyMinute } from "../testing.js";

test.after(() => rateLimiting.dispose?.());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(t: TestContext, minute: number) {
  const redis = await redisForTest(t);
  const client = new Redis({ host: redis.host, port: redis.port, lazyConnect: true });
  await client.connect();
  t.after(() => client.quit());
  const instanceId = `sync-${randomUUID()}`;
  const conf = {
    minute,
    limit_by: "ip",
    policy: "redis",
    sync_rate: 0.3,
    redis: { host: redis.host, port: redis.port, timeout: 1000 },
  };
  const hit = () => runPlugin(rateLimiting, conf, { instanceId });
  const key = async (): Promise<string | undefined> =>
    (await client.keys(`ratelimit:{${instanceId}:*}:*:minute`))[0];
  const counter = async (): Promise<number | null> => {
    const k = await key();
    return k === undefined ? null : Number(await client.get(k));
  };
  return { client, hit, counter, key };
}

test("sync_rate: requests are counted locally, limited at once, and flushed to Redis every sync_rate seconds", async (t) => {
  const { hit, counter } = await setup(t, 3);
  await steadyMinute();
  const remaining: (string | undefined)[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await hit();
    assert.equal(r.response.status, 200);
    remaining.push(r.response.header("x-ratelimit-remaining-minute"));
  }
  assert.deepEqual(remaining, ["2", "1", "0"]);
  assert.equal(await counter(), null, "nothing sent to Redis before sync_rate has passed");
  const refused = await hit();
  assert.equal(refused.response.status, 429, "the local count limits before any flush");
  await sleep(700);
  assert.equal(
    await counter(),
    3,
    "one batched flush with the 3 passed requests (not the refused one)",
  );
});

test("sync_rate: after a flush the shared value (other data planes' counts) is read again", async (t) => {
  const { client, hit, counter, key } = await setup(t, 5);
  await steadyMinute();
  assert.equal((await hit()).response.status, 200);
  await sleep(700);
  assert.equal(await counter(), 1);
  // another data plane flushes 3 counts of its own
  await client.incrby((await key())!, 3);
  const r = await hit();
  assert.equal(r.response.status, 200);
  assert.equal(r.response.header("x-ratelimit-remaining-minute"), "0", "1 + 3 + this one, of 5");
  assert.equal((await hit()).response.status, 429);
});
