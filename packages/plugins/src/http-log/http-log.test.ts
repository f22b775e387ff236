import assert from "node:assert/strict";
import { test } from "node:test";
import { configJsonSchema, validatePluginConfig } from "@gatehouse/plugin-kit";
import type { RunOptions } from "@gatehouse/plugin-kit/testing";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { httpLog } from "../index.js";
import { collector } from "../testing.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(httpLog, raw);
  return r.ok ? [] : r.errors;
};
const request = (path: string): RunOptions => ({
  request: { path, headers: { authorization: "Bearer secret", "x-a": "1" }, clientIp: "10.0.0.7" },
  route: { id: "r1", name: "orders", paths: ["/api"] },
  service: { id: "s1", name: "svc", host: "up", port: 80, protocol: "http" },
  upstream: { status: 201, headers: { "content-length": "2" }, body: "ok" },
  logInfo: { status: 201, total_ms: 12.4, upstream_ms: 10.1 },
});

test("one entry per request in Kong's shape; Authorization redacted; the request is not delayed", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  c.hold = true; // the collector never answers while the request runs: it must not wait for it
  const conf = { http_endpoint: `${c.url}/logs?src=gw`, headers: { "X-Token": "t" } };
  const r = await runPlugin(httpLog, conf, request("/api/orders"));
  assert.equal(r.response.status, 201);
  await c.waitFor(1);
  c.release();
  const got = c.received[0];
  assert.equal(got?.method, "POST");
  assert.equal(got?.url, "/logs?src=gw");
  assert.equal(got?.headers["content-type"], "application/json");
  assert.equal(got?.headers["x-token"], "t");
  const e = got?.body as Record<string, Record<string, unknown>>;
  assert.equal(e.request?.method, "GET");
  assert.equal(e.request?.uri, "/api/orders");
  assert.equal((e.request?.headers as Record<string, string>).authorization, "REDACTED");
  assert.equal((e.request?.headers as Record<string, string>)["x-a"], "1");
  assert.equal(e.response?.status, 201);
  assert.equal(e.response?.size, 2);
  assert.deepEqual(e.route, { id: "r1", name: "orders", paths: ["/api"] });
  assert.equal(e.service?.name, "svc");
  assert.deepEqual(e.latencies, { request: 12, proxy: 10, kong: 2 });
  assert.equal(e.client_ip as unknown, "10.0.0.7");
  assert.ok(Math.abs((e.started_at as unknown as number) - Date.now()) < 5000);
});

test("batching: max_batch_size entries in one JSON array; the rest flushed on dispose", async (t) => {
  const c = await collector(t);
  const conf = {
    http_endpoint: c.url,
    method: "PUT",
    queue: { max_batch_size: 3, max_coalescing_delay: 30 },
  };
  for (const p of ["/a", "/b", "/c", "/d"]) await runPlugin(httpLog, conf, request(p));
  await c.waitFor(1);
  assert.equal(c.received[0]?.method, "PUT");
  const batch = c.received[0]?.body as { request: { uri: string } }[];
  assert.deepEqual(
    batch.map((e) => e.request.uri),
    ["/a", "/b", "/c"],
  );
  assert.equal(c.received.length, 1, "the partial batch waits for max_coalescing_delay");
  await httpLog.dispose?.();
  assert.equal(c.received.length, 2);
  assert.deepEqual(
    (c.received[1]?.body as { request: { uri: string } }[]).map((e) => e.request.uri),
    ["/d"],
  );
});

test("a partial batch is sent after max_coalescing_delay", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  const conf = { http_endpoint: c.url, queue: { max_batch_size: 10, max_coalescing_delay: 0.05 } };
  await runPlugin(httpLog, conf, request("/x"));
  await c.waitFor(1);
  assert.equal((c.received[0]?.body as unknown[]).length, 1);
});

test("retry: a 500 from the collector is retried with the same batch", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  c.statuses = [500, 503];
  const conf = { http_endpoint: c.url, queue: { initial_retry_delay: 0.01 } };
  const r = await runPlugin(httpLog, conf, request("/retry"));
  await c.waitFor(3);
  assert.deepEqual(c.received[0]?.body, c.received[2]?.body);
  await new Promise((res) => setTimeout(res, 50));
  assert.equal(c.received.length, 3, "no more requests once one succeeded");
  assert.match(
    r.logs.map((l) => l.msg).join("\n"),
    /http-log: sending failed \(the endpoint answered 500\); retrying in 10 ms/,
  );
});

test("a batch failing past max_retry_time is dropped with an error", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  c.statuses = [500, 500, 500, 500, 500, 500, 500, 500];
  const conf = {
    http_endpoint: c.url,
    queue: { max_retry_time: 0.05, initial_retry_delay: 0.01, max_retry_delay: 0.02 },
  };
  const r = await runPlugin(httpLog, conf, request("/x"));
  const deadline = Date.now() + 3000;
  while (!r.logs.some((l) => l.level === "error") && Date.now() < deadline)
    await new Promise((res) => setTimeout(res, 10));
  assert.match(
    r.logs.find((l) => l.level === "error")?.msg ?? "",
    /^http-log: could not send 1 log entries: the endpoint answered 500; dropped$/,
  );
});

test("queue bound: above max_entries the oldest entries are dropped, with a counted warning", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  c.hold = true;
  const conf = { http_endpoint: c.url, queue: { max_entries: 2 } };
  await runPlugin(httpLog, conf, request("/1")); // in flight, held by the collector
  await c.waitFor(1);
  const logs = [];
  for (const p of ["/2", "/3", "/4", "/5"])
    logs.push(...(await runPlugin(httpLog, conf, request(p))).logs);
  assert.deepEqual(
    logs.filter((l) => l.level === "warn").map((l) => l.msg),
    ["http-log: queue full (max_entries 2): dropped the oldest 1 entries"],
  );
  c.release();
  await c.waitFor(3);
  assert.deepEqual(
    c.received.map((r) => (r.body as { request: { uri: string } }).request.uri),
    ["/1", "/4", "/5"],
  );
});

test("queue.max_bytes: above it the oldest entries are dropped; an entry larger than it is dropped", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  await runPlugin(httpLog, { http_endpoint: c.url, timeout: 9000 }, request("/0"));
  await c.waitFor(1);
  const size = Buffer.byteLength(JSON.stringify(c.received[0]?.body));
  c.received.length = 0;
  c.hold = true;
  const conf = { http_endpoint: c.url, queue: { max_bytes: Math.floor(size * 2.5) } };
  await runPlugin(httpLog, conf, request("/1")); // in flight, held by the collector
  await c.waitFor(1);
  const logs = [];
  for (const p of ["/2", "/3", "/4", "/5"])
    logs.push(...(await runPlugin(httpLog, conf, request(p))).logs);
  assert.deepEqual(
    logs.filter((l) => l.level === "warn").map((l) => l.msg),
    [`http-log: queue full (max_bytes ${conf.queue.max_bytes}): dropped the oldest 1 entries`],
  );
  c.release();
  await c.waitFor(3);
  assert.deepEqual(
    c.received.map((r) => (r.body as { request: { uri: string } }).request.uri),
    ["/1", "/4", "/5"],
  );
  const tiny = await runPlugin(
    httpLog,
    { http_endpoint: c.url, queue: { max_bytes: 10 } },
    request("/6"),
  );
  assert.match(
    tiny.logs.find((l) => l.level === "warn")?.msg ?? "",
    /^http-log: an entry of \d+ bytes is larger than max_bytes 10: dropped 1 entries$/,
  );
});

test("queue.concurrency_limit -1: every entry is sent at once, without waiting for the one before", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  c.hold = true; // no answer comes back: with concurrency 1 only the first would be sent
  const conf = { http_endpoint: c.url, queue: { concurrency_limit: -1 } };
  for (const p of ["/a", "/b", "/c"]) await runPlugin(httpLog, conf, request(p));
  await c.waitFor(3);
  assert.deepEqual(
    c.received.map((r) => (r.body as { request: { uri: string } }).request.uri).sort(),
    ["/a", "/b", "/c"],
  );
  c.release();
});

test("Kong's deprecated retry_count, queue_size and flush_timeout are accepted and moved into queue", () => {
  const r = validatePluginConfig(httpLog, {
    http_endpoint: "http://logs.test/",
    retry_count: 4,
    queue_size: 5,
    flush_timeout: 3,
  });
  assert.ok(r.ok);
  const c = r.config as Record<string, unknown> & { queue: Record<string, unknown> };
  assert.equal(c.queue.max_batch_size, 5);
  assert.equal(c.queue.max_coalescing_delay, 3);
  for (const k of ["retry_count", "queue_size", "flush_timeout"]) assert.equal(k in c, false, k);
  // Kong: the old defaults (queue_size 1, flush_timeout 2) leave queue.* as configured
  const old = validatePluginConfig(httpLog, {
    http_endpoint: "http://logs.test/",
    queue_size: 1,
    flush_timeout: 2,
    queue: { max_batch_size: 7, max_coalescing_delay: 4 },
  });
  assert.ok(old.ok);
  const q = (old.config as { queue: Record<string, unknown> }).queue;
  assert.deepEqual([q.max_batch_size, q.max_coalescing_delay], [7, 4]);
  // hidden from the console's forms
  const props = (
    configJsonSchema(httpLog) as { properties: Record<string, { deprecated?: boolean }> }
  ).properties;
  for (const k of ["retry_count", "queue_size", "flush_timeout"])
    assert.equal(props[k]?.deprecated, true, k);
});

test("user:password in http_endpoint becomes Basic authentication", async (t) => {
  t.after(() => httpLog.dispose?.());
  const c = await collector(t);
  const url = c.url.replace("http://", "http://alice:p%40ss@");
  await runPlugin(
    httpLog,
    { http_endpoint: url, content_type: "application/json; charset=utf-8" },
    request("/x"),
  );
  await c.waitFor(1);
  assert.equal(
    c.received[0]?.headers.authorization,
    `Basic ${Buffer.from("alice:p@ss").toString("base64")}`,
  );
  assert.equal(c.received[0]?.headers["content-type"], "application/json; charset=utf-8");
});

test("rejections name the field and the reason", () => {
  const ok = { http_endpoint: "http://127.0.0.1:1/" };
  assert.deepEqual(errors({}), [
    { path: "config.http_endpoint", message: "required field missing" },
  ]);
  assert.deepEqual(errors({ http_endpoint: "nope" }), [
    { path: "config.http_endpoint", message: "missing host in url" },
  ]);
  assert.deepEqual(errors({ http_endpoint: "ftp://x/" }), [
    { path: "config.http_endpoint", message: "unsupported scheme: use http or https" },
  ]);
  assert.deepEqual(errors({ ...ok, method: "GET" }), [
    { path: "config.method", message: "expected one of: POST, PUT, PATCH" },
  ]);
  assert.deepEqual(errors({ ...ok, content_type: "text/plain" }), [
    {
      path: "config.content_type",
      message: "expected one of: application/json, application/json; charset=utf-8",
    },
  ]);
  assert.deepEqual(errors({ ...ok, timeout: 0 }), [
    { path: "config.timeout", message: "value should be between 1 and 3600000" },
  ]);
  assert.deepEqual(errors({ ...ok, keepalive: 1.5 }), [
    { path: "config.keepalive", message: "expected an integer" },
  ]);
  assert.deepEqual(errors({ ...ok, headers: { "Bad Name": "x" } }), [
    { path: 'config.headers["Bad Name"]', message: "'Bad Name' is not a valid header name" },
  ]);
  assert.deepEqual(errors({ ...ok, headers: { "X-A": "a\nb" } }), [
    { path: "config.headers.X-A", message: "must not contain CR, LF or other control characters" },
  ]);
  assert.deepEqual(errors({ ...ok, headers: { Host: "x" } }), [
    { path: "config.headers.Host", message: "cannot set host: it is computed by the plugin" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { max_batch_size: 0 } }), [
    { path: "config.queue.max_batch_size", message: "value should be between 1 and 1000000" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { max_entries: 0 } }), [
    { path: "config.queue.max_entries", message: "value should be between 1 and 1000000" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { max_coalescing_delay: -1 } }), [
    { path: "config.queue.max_coalescing_delay", message: "value should be between 0 and 3600" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { max_retry_time: "x" } }), [
    { path: "config.queue.max_retry_time", message: "expected a number" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { initial_retry_delay: 5, max_retry_delay: 1 } }), [
    {
      path: "config.queue.initial_retry_delay",
      message: "must not be larger than max_retry_delay",
    },
  ]);
  assert.deepEqual(errors({ ...ok, custom_fields_by_lua: { a: "return 1" } }), [
    { path: "config.custom_fields_by_lua", message: "not supported in Gatehouse (no Lua runtime)" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { max_bytes: 0 } }), [
    { path: "config.queue.max_bytes", message: "value should be at least 1" },
  ]);
  assert.deepEqual(errors({ ...ok, queue: { concurrency_limit: 2 } }), [
    { path: "config.queue.concurrency_limit", message: "expected one of: -1, 1" },
  ]);
  assert.deepEqual(errors({ ...ok, queue_size: 0 }), [
    { path: "config.queue_size", message: "value should be between 1 and 1000000" },
  ]);
  assert.equal(errors({ ...ok, colour: 1 })[0]?.path, "config.colour");
});
