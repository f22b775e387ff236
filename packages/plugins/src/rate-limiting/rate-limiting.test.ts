import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { configJsonSchema, validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import type { RunOptions } from "@gatehouse/plugin-kit/testing";
import { rateLimiting } from "../index.js";
import { LocalCounters } from "./local.js";
import { windowOf } from "./windows.js";
import { steadyMinute } from "../testing.js";

test.beforeEach(() => steadyMinute());

const errors = (raw: unknown) => {
  const r = validatePluginConfig(rateLimiting, raw);
  return r.ok ? [] : r.errors;
};

/** Sends `n` requests through one plugin instance (local policy); returns the responses. */
async function hits(conf: unknown, n: number, opts: RunOptions = {}, id = randomUUID()) {
  const out = [];
  for (let i = 0; i < n; i++)
    out.push((await runPlugin(rateLimiting, conf, { ...opts, instanceId: id })).response);
  return out;
}

test("local policy: the (limit+1)th request in a window gets 429 'API rate limit exceeded'", async () => {
  const r = await hits({ minute: 3, limit_by: "ip" }, 4);
  assert.deepEqual(
    r.map((x) => x.status),
    [200, 200, 200, 429],
  );
  assert.deepEqual(r[3]?.json(), { message: "API rate limit exceeded" });
});

test("headers: X-RateLimit-*-<Period> for every period, RateLimit-* for the tightest, exact values", async () => {
  const id = randomUUID();
  const conf = { minute: 2, hour: 100, limit_by: "ip" };
  const [a, b, c] = await hits(conf, 3, {}, id);
  assert.equal(a?.header("x-ratelimit-limit-hour"), "100");
  assert.equal(a?.header("x-ratelimit-remaining-hour"), "99");
  assert.equal(a?.header("x-ratelimit-limit-minute"), "2");
  assert.equal(a?.header("x-ratelimit-remaining-minute"), "1");
  assert.equal(a?.header("ratelimit-limit"), "2");
  assert.equal(a?.header("ratelimit-remaining"), "1");
  const reset = Number(a?.header("ratelimit-reset"));
  assert.ok(reset >= 1 && reset <= 60, `reset ${reset}`);
  assert.equal(b?.header("ratelimit-remaining"), "0");
  // refused: the stopping period shows 0, the other is not decremented (the request is not counted)
  assert.equal(c?.status, 429);
  assert.equal(c?.header("x-ratelimit-remaining-minute"), "0");
  assert.equal(c?.header("x-ratelimit-remaining-hour"), "98");
  assert.equal(c?.header("retry-after"), c?.header("ratelimit-reset"));
  assert.ok(Number(c?.header("retry-after")) >= 1);
});

test("RateLimit-* ties go to the longer period", async () => {
  const [r] = await hits({ second: 5, minute: 5, limit_by: "ip" }, 1);
  assert.equal(r?.header("ratelimit-limit"), "5");
  const reset = Number(r?.header("ratelimit-reset"));
  assert.ok(reset > 1 || new Date().getUTCSeconds() === 59, `minute reset expected, got ${reset}`);
});

test("hide_client_headers hides Retry-After on the 429 too, as Kong 3.9", async () => {
  const [ok, refused] = await hits({ minute: 1, limit_by: "ip", hide_client_headers: true }, 2);
  assert.equal(ok?.header("ratelimit-limit"), undefined);
  assert.equal(ok?.header("x-ratelimit-limit-minute"), undefined);
  assert.equal(refused?.status, 429);
  assert.equal(refused?.header("x-ratelimit-remaining-minute"), undefined);
  assert.equal(refused?.header("retry-after"), undefined);
});

test("error_code and error_message", async () => {
  const [, r] = await hits(
    { minute: 1, limit_by: "ip", error_code: 503, error_message: "slow down" },
    2,
  );
  assert.equal(r?.status, 503);
  assert.deepEqual(r?.json(), { message: "slow down" });
});

test("limit_by ip: clients are counted separately", async () => {
  const id = randomUUID();
  const conf = { minute: 1, limit_by: "ip" };
  const a = await hits(conf, 2, { request: { clientIp: "10.0.0.1" } }, id);
  const b = await hits(conf, 1, { request: { clientIp: "10.0.0.2" } }, id);
  assert.deepEqual(
    [...a, ...b].map((r) => r.status),
    [200, 429, 200],
  );
});

test("limit_by header: counted per header value, client IP when the header is missing", async () => {
  const id = randomUUID();
  const conf = { minute: 1, limit_by: "header", header_name: "X-Tenant" };
  const t1 = await hits(conf, 2, { request: { headers: { "x-tenant": "t1" } } }, id);
  const t2 = await hits(conf, 1, { request: { headers: { "x-tenant": "t2" } } }, id);
  const none = await hits(conf, 2, { request: { clientIp: "10.9.9.9" } }, id);
  assert.deepEqual(
    [...t1, ...t2, ...none].map((r) => r.status),
    [200, 429, 200, 200, 429],
  );
});

test("limit_by path: one counter for that exact path, other paths per client IP", async () => {
  const id = randomUUID();
  const conf = { minute: 1, limit_by: "path", path: "/login" };
  const a = await hits(conf, 1, { request: { path: "/login", clientIp: "10.0.0.1" } }, id);
  const b = await hits(conf, 1, { request: { path: "/login", clientIp: "10.0.0.2" } }, id);
  const c = await hits(conf, 1, { request: { path: "/other", clientIp: "10.0.0.3" } }, id);
  assert.deepEqual(
    [...a, ...b, ...c].map((r) => r.status),
    [200, 429, 200],
  );
});

test("limit_by service: one counter per service", async () => {
  const id = randomUUID();
  const conf = { minute: 1, limit_by: "service" };
  const s1 = await hits(conf, 1, { service: { id: "s1" }, request: { clientIp: "10.0.0.1" } }, id);
  const s1b = await hits(conf, 1, { service: { id: "s1" }, request: { clientIp: "10.0.0.2" } }, id);
  const s2 = await hits(conf, 1, { service: { id: "s2" } }, id);
  assert.deepEqual(
    [...s1, ...s1b, ...s2].map((r) => r.status),
    [200, 429, 200],
  );
});

test("limit_by consumer (default) and credential use the authenticated ids, else the client IP", async () => {
  const { definePlugin, catalogOf } = await import("@gatehouse/plugin-kit");
  const { runChain } = await import("@gatehouse/plugin-kit/testing");
  const { z } = await import("zod");
  const login = definePlugin({
    name: "fake-auth",
    version: "1.0.0",
    priority: 1000,
    configSchema: z.object({}),
    phases: {
      access: (kit) => {
        const who = kit.request.getHeader("x-user");
        if (who) kit.client.authenticate({ id: `c-${who}` }, { id: `cred-${who}` });
      },
    },
  });
  const catalog = catalogOf([login, rateLimiting]);
  const run = async (limitBy: string, user: string | undefined, ip: string, id: string) =>
    (
      await runChain(
        [
          { name: "fake-auth", config: {} },
          { id, name: "rate-limiting", config: { minute: 1, limit_by: limitBy } },
        ],
        catalog,
        { request: { clientIp: ip, headers: user ? { "x-user": user } : {} } },
      )
    ).response.status;
  for (const limitBy of ["consumer", "credential"]) {
    const id = randomUUID();
    assert.deepEqual(
      [
        await run(limitBy, "alice", "10.0.0.1", id),
        await run(limitBy, "alice", "10.0.0.2", id), // same consumer, other IP: counted together
        await run(limitBy, "bob", "10.0.0.1", id),
        await run(limitBy, undefined, "10.0.0.3", id), // anonymous: by IP
        await run(limitBy, undefined, "10.0.0.3", id),
      ],
      [200, 429, 200, 200, 429],
      limitBy,
    );
  }
});

test("a request refused by one period does not use up another period's quota", async () => {
  const id = randomUUID();
  const counters = new LocalCounters();
  const now = Date.parse("2026-01-01T00:00:00.000Z");
  const c = (period: "second" | "minute", limit: number) => ({
    period,
    limit,
    key: `${id}:${period}`,
    left: windowOf(period, now).end - now,
  });
  const list = [c("second", 1), c("minute", 10)];
  assert.deepEqual(counters.hit(list, now), { usage: [0, 0], stop: -1 });
  assert.deepEqual(counters.hit(list, now + 10), { usage: [1, 1], stop: 0 });
  assert.deepEqual(counters.hit(list, now + 1000), { usage: [0, 1], stop: -1 });
});

test("local counters: expired windows are swept and the number of counters is bounded", () => {
  const counters = new LocalCounters(3);
  const now = 1_000_000;
  for (let i = 0; i < 5; i++) counters.hit([{ limit: 5, key: `k${i}`, left: 500 }], now);
  assert.equal(counters.size, 3);
  counters.sweep(now + 501);
  assert.equal(counters.size, 0);
});

test("windows are UTC-aligned; month and year windows are calendar months and years", () => {
  const t = Date.parse("2026-02-14T10:20:30.400Z");
  assert.deepEqual(windowOf("second", t), {
    start: Date.parse("2026-02-14T10:20:30Z"),
    end: Date.parse("2026-02-14T10:20:31Z"),
  });
  assert.deepEqual(windowOf("minute", t).start, Date.parse("2026-02-14T10:20:00Z"));
  assert.deepEqual(windowOf("hour", t).start, Date.parse("2026-02-14T10:00:00Z"));
  assert.deepEqual(windowOf("day", t).start, Date.parse("2026-02-14T00:00:00Z"));
  assert.deepEqual(windowOf("month", t), {
    start: Date.parse("2026-02-01T00:00:00Z"),
    end: Date.parse("2026-03-01T00:00:00Z"),
  });
  assert.deepEqual(windowOf("year", t), {
    start: Date.parse("2026-01-01T00:00:00Z"),
    end: Date.parse("2027-01-01T00:00:00Z"),
  });
});

test("defaults (Kong's)", () => {
  const r = validatePluginConfig(rateLimiting, { minute: 5 });
  assert.ok(r.ok);
  assert.deepEqual(r.config, {
    minute: 5,
    limit_by: "consumer",
    policy: "local",
    fault_tolerant: true,
    redis: { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
    hide_client_headers: false,
    error_code: 429,
    error_message: "API rate limit exceeded",
    sync_rate: -1,
  });
});

test("Kong's deprecated flat redis_* fields are accepted and moved into redis.* (they win, as Kong's shorthands)", () => {
  const r = validatePluginConfig(rateLimiting, {
    minute: 5,
    policy: "redis",
    redis: { host: "old", database: 3 },
    redis_host: "r.internal",
    redis_port: 6380,
    redis_password: "pw",
    redis_username: "u",
    redis_database: 2,
    redis_timeout: 900,
    redis_ssl: true,
    redis_ssl_verify: true,
    redis_server_name: "redis.example",
  });
  assert.ok(r.ok);
  assert.deepEqual(r.config.redis, {
    host: "r.internal",
    port: 6380,
    password: "pw",
    username: "u",
    database: 2,
    timeout: 900,
    ssl: true,
    ssl_verify: true,
    server_name: "redis.example",
  });
  assert.equal("redis_host" in r.config, false, "only redis.* is stored");
  // a flat host satisfies policy redis; flat fields are validated as their redis.* field
  assert.ok(validatePluginConfig(rateLimiting, { minute: 1, policy: "redis", redis_host: "h" }).ok);
  assert.deepEqual(errors({ minute: 1, redis_port: 70000 }), [
    { path: "config.redis_port", message: "value should be between 0 and 65535" },
  ]);
});

test("sync_rate: Kong's checks (redis policy only; -1 or at least 0.02)", () => {
  assert.deepEqual(errors({ minute: 1, sync_rate: 1 }), [
    { path: "config.sync_rate", message: "sync_rate can only be used with the redis policy" },
  ]);
  assert.deepEqual(errors({ minute: 1, policy: "redis", redis: { host: "h" }, sync_rate: 0.01 }), [
    { path: "config.sync_rate", message: "sync_rate must be greater than 0.02, or -1 to disable" },
  ]);
  assert.ok(
    validatePluginConfig(rateLimiting, {
      minute: 1,
      policy: "redis",
      redis: { host: "h" },
      sync_rate: 0.5,
    }).ok,
  );
});

test("rejects a config without any period", () => {
  assert.deepEqual(errors({}), [
    {
      path: "config",
      message:
        "at least one of these fields must be non-empty: 'config.second', 'config.minute', 'config.hour', 'config.day', 'config.month', 'config.year'",
    },
  ]);
});

test("rejects limits that are not numbers > 0", () => {
  assert.deepEqual(errors({ second: 0, hour: "5" }), [
    { path: "config.second", message: "value must be greater than 0" },
    { path: "config.hour", message: "expected a number" },
  ]);
});

test("rejects periods out of order (Kong's message)", () => {
  assert.deepEqual(errors({ second: 10, minute: 5 }), [
    {
      path: "config",
      message: "The limit for minute(5.0) cannot be lower than the limit for second(10.0)",
    },
  ]);
});

test("rejects limit_by header without header_name, path without path, redis without redis.host", () => {
  assert.deepEqual(errors({ minute: 1, limit_by: "header" }), [
    { path: "config.header_name", message: "required field missing" },
  ]);
  assert.deepEqual(errors({ minute: 1, limit_by: "path" }), [
    { path: "config.path", message: "required field missing" },
  ]);
  assert.deepEqual(errors({ minute: 1, policy: "redis" }), [
    { path: "config.redis.host", message: "required field missing" },
  ]);
});

test("rejects unknown limit_by / policy, bad header_name, path without '/', bad error_code", () => {
  assert.deepEqual(
    errors({
      minute: 1,
      limit_by: "consumer-group",
      policy: "cluster",
      header_name: "Bad Header",
      path: "login",
      error_code: 200,
      error_message: 5,
      fault_tolerant: "yes",
      hide_client_headers: 1,
    }),
    [
      {
        path: "config.limit_by",
        message: "expected one of: consumer, credential, ip, service, header, path",
      },
      { path: "config.header_name", message: "'Bad Header' is not a valid header name" },
      { path: "config.path", message: "should start with: /" },
      { path: "config.policy", message: "expected one of: local, redis" },
      { path: "config.fault_tolerant", message: "expected a boolean" },
      { path: "config.hide_client_headers", message: "expected a boolean" },
      { path: "config.error_code", message: "value should be between 400 and 599" },
      { path: "config.error_message", message: "must be a string, got number" },
    ],
  );
});

test("rejects bad redis fields and unknown fields", () => {
  assert.deepEqual(
    errors({
      minute: 1,
      policy: "redis",
      redis: { host: "a b", port: 70000, timeout: -1, database: 1.5, ssl: "no", extra: 1 },
      nope: true,
    }),
    [
      { path: "config.redis.host", message: "invalid hostname" },
      { path: "config.redis.port", message: "value should be between 0 and 65535" },
      { path: "config.redis.timeout", message: "value should be between 0 and 2147483646" },
      { path: "config.redis.database", message: "expected an integer" },
      { path: "config.redis.ssl", message: "expected a boolean" },
      { path: "config.redis.extra", message: "unknown field" },
      { path: "config.nope", message: "unknown field" },
    ],
  );
});

test("redis.password is marked secret in the JSON Schema (masked by the admin)", () => {
  const schema = configJsonSchema(rateLimiting) as {
    properties: { redis: { properties: { password: { secret?: boolean } } } };
  };
  assert.equal(schema.properties.redis.properties.password.secret, true);
});
