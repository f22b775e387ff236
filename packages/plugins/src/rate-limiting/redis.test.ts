import assert from "node:assert/strict";
import { test } from "node:test";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { rateLimiting } from "../index.js";
import { redisForTest } from "../testing.js";
import { redisClientCount } from "../shared/redis.js";

// close this process's Redis clients so the test process can exit
test.after(() => rateLimiting.dispose?.());

test("retain closes the Redis clients of configs that are gone; dispose closes all", async (t) => {
  const redis = await redisForTest(t);
  const conf = {
    minute: 5,
    limit_by: "ip",
    policy: "redis",
    redis: { host: redis.host, port: redis.port, timeout: 777 },
  };
  const hit = async () => (await runPlugin(rateLimiting, conf)).response.status;
  assert.equal(await hit(), 200);
  assert.ok(redisClientCount() >= 1);
  await rateLimiting.retain?.([]);
  assert.equal(redisClientCount(), 0);
  assert.equal(await hit(), 200); // reconnects on demand
  assert.equal(redisClientCount(), 1);
  await rateLimiting.dispose?.();
  assert.equal(redisClientCount(), 0);
});
