import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import type { RunOptions } from "@gatehouse/plugin-kit/testing";
import { proxyCache } from "../index.js";
import { buildCacheKey, paramsKey, queryArgs } from "./cache-key.js";
import { contentTypeMatches, parseDirectives, resourceTtl } from "./cache-control.js";
import { MemoryDictionary } from "./store.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(proxyCache, raw);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

/** A config with a dictionary of its own (tests do not share entries). */
const conf = (extra: Record<string, unknown> = {}) => ({
  strategy: "memory",
  memory: { dictionary_name: randomUUID() },
  ...extra,
});

const json = { status: 200, headers: { "content-type": "application/json" }, body: { n: 1 } };
const run = (c: unknown, opts: RunOptions = {}) =>
  runPlugin(proxyCache, c, { route: { id: "r1" }, upstream: json, ...opts });

test("defaults are Kong's", () => {
  const r = validatePluginConfig(proxyCache, {});
  assert.ok(r.ok);
  assert.deepEqual(r.config, {
    response_code: [200, 301, 404],
    request_method: ["GET", "HEAD"],
    content_type: ["text/plain", "application/json"],
    cache_ttl: 300,
    strategy: "memory",
    cache_control: false,
    ignore_uri_case: false,
    memory: { dictionary_name: "kong_db_cache" },
    redis: { port: 6379, timeout: 2000, database: 0, ssl: false, ssl_verify: false },
    response_headers: { age: true, "X-Cache-Status": true, "X-Cache-Key": true },
  });
});

test("bad configs are refused naming the field", () => {
  assert.deepEqual(errors({ strategy: "disk" }), [
    "config.strategy: expected one of: memory, redis",
  ]);
  assert.deepEqual(errors({ strategy: "redis" }), ["config.redis.host: required field missing"]);
  assert.deepEqual(errors({ response_code: [99] }), [
    "config.response_code[0]: value should be between 100 and 900",
  ]);
  assert.deepEqual(errors({ response_code: [] }), [
    "config.response_code: length must be at least 1",
  ]);
  assert.deepEqual(errors({ cache_ttl: 0 }), ["config.cache_ttl: value must be greater than 0"]);
  assert.deepEqual(errors({ request_method: ["DELETE"] }), [
    "config.request_method[0]: expected one of: HEAD, GET, POST, PATCH, PUT",
  ]);
  assert.deepEqual(errors({ response_code: ["200"] }), [
    "config.response_code[0]: expected an integer",
  ]);
});

test("Miss, then Hit with the same body, X-Cache-Key and an Age header; the upstream is not called", async () => {
  const c = conf();
  const a = await run(c);
  assert.equal(a.response.header("x-cache-status"), "Miss");
  const key = a.response.header("x-cache-key");
  assert.match(key ?? "", /^[0-9a-f]{64}$/);
  const b = await run(c);
  assert.equal(b.response.header("x-cache-status"), "Hit");
  assert.equal(b.response.header("x-cache-key"), key);
  assert.equal(b.response.header("age"), "0");
  assert.equal(b.upstreamRequest, undefined);
  assert.deepEqual(b.response.json(), { n: 1 });
  assert.equal(b.response.status, 200);
});

test("the key is Kong's: sha256 of route|method|request line without query|params|headers", async () => {
  const c = conf();
  const plain = await run(c, { request: { path: "/a" } });
  const sha = (s: string) => createHash("sha256").update(s).digest("hex");
  assert.equal(plain.response.header("x-cache-key"), sha("r1|GET|GET /a HTTP/1.1||"));
  const q = await run(c, { request: { path: "/a", query: "b=2&a=1&a=0&flag" } });
  assert.equal(q.response.header("x-cache-key"), sha("r1|GET|GET /a|a=0,1:b=2:flag|"));
  const withConsumer = buildCacheKey("c1", "r1", "GET", "GET /a HTTP/1.1", {}, {}, {});
  assert.equal(withConsumer, sha("c1:r1|GET|GET /a HTTP/1.1||"));
  assert.equal(buildCacheKey(undefined, undefined, "GET", "x", {}, {}, {}), sha("default|GET|x||"));
});

test("vary_query_params, vary_headers and ignore_uri_case shape the key", async () => {
  assert.equal(paramsKey(queryArgs("a=1&b=2&c"), { vary_query_params: ["b", "c", "z"] }), "b=2:c");
  const c = conf({ vary_headers: ["X-Lang"], ignore_uri_case: true });
  const en = await run(c, { request: { path: "/Foo", headers: { "x-lang": "en" } } });
  const fr = await run(c, { request: { path: "/Foo", headers: { "x-lang": "fr" } } });
  const lower = await run(c, { request: { path: "/foo", headers: { "x-lang": "en" } } });
  assert.notEqual(en.response.header("x-cache-key"), fr.response.header("x-cache-key"));
  assert.equal(lower.response.header("x-cache-status"), "Hit");
});

test("Bypass: a method not listed, an uncacheable status or content type", async () => {
  const c = conf();
  const post = await run(c, { request: { method: "POST" } });
  assert.equal(post.response.header("x-cache-status"), "Bypass");
  assert.equal(post.response.header("x-cache-key"), undefined);
  const teapot = await run(c, { upstream: { ...json, status: 418 } });
  assert.equal(teapot.response.header("x-cache-status"), "Bypass");
  const xml = await run(c, { upstream: { status: 200, headers: { "content-type": "text/xml" } } });
  assert.equal(xml.response.header("x-cache-status"), "Bypass");
  assert.equal((await run(c)).response.header("x-cache-status"), "Miss"); // nothing stored before
});

test("response_headers off: no diagnostic headers, unless the request has Kong-Debug", async () => {
  const off = { age: false, "X-Cache-Status": false, "X-Cache-Key": false };
  const c = conf({ response_headers: off });
  const a = await run(c);
  assert.equal(a.response.header("x-cache-status"), undefined);
  const b = await run(c);
  assert.equal(b.response.header("x-cache-status"), undefined);
  assert.equal(b.response.header("age"), undefined);
  const d = await run(c, { request: { headers: { "kong-debug": "1" } } });
  assert.equal(d.response.header("x-cache-status"), "Hit");
  assert.ok(d.response.header("age") !== undefined);
});

test("cache_control: no-store request bypasses; private or TTL-less responses are not stored; min-fresh refreshes; only-if-cached 504", async () => {
  const c = conf({ cache_control: true });
  const ns = await run(c, { request: { headers: { "cache-control": "no-store" } } });
  assert.equal(ns.response.header("x-cache-status"), "Bypass");
  const noTtl = await run(c);
  assert.equal(noTtl.response.header("x-cache-status"), "Bypass");
  const priv = { ...json, headers: { ...json.headers, "cache-control": "private, max-age=60" } };
  assert.equal((await run(c, { upstream: priv })).response.header("x-cache-status"), "Bypass");
  const pub = { ...json, headers: { ...json.headers, "cache-control": "max-age=60" } };
  assert.equal((await run(c, { upstream: pub })).response.header("x-cache-status"), "Miss");
  assert.equal((await run(c, { upstream: pub })).response.header("x-cache-status"), "Hit");
  const stale = await run(c, {
    upstream: pub,
    request: { headers: { "cache-control": "min-fresh=120" } },
  });
  assert.equal(stale.response.header("x-cache-status"), "Refresh");
  const only = await run(conf({ cache_control: true }), {
    request: { headers: { "cache-control": "only-if-cached" } },
  });
  assert.equal(only.response.status, 504);
});

test("Cache-Control and content type helpers follow Kong", () => {
  assert.deepEqual(parseDirectives("public, Max-Age=60, x=abc"), {
    public: true,
    "max-age": 60,
    x: "abc",
  });
  assert.equal(resourceTtl({ "s-maxage": 10, "max-age": 60 }, undefined, 0), 10);
  assert.equal(resourceTtl({}, new Date(100_000).toUTCString(), 40), 60);
  assert.equal(resourceTtl({}, undefined, 0), 0);
  assert.ok(contentTypeMatches("application/json", ["*/*"]));
  assert.ok(
    contentTypeMatches("Application/JSON; charset=utf-8", ["application/json; charset=utf-8"]),
  );
  assert.ok(!contentTypeMatches("application/json; charset=utf-8", ["application/json"]));
  assert.ok(!contentTypeMatches("not a type", ["*/*"]));
});

test("the memory dictionary is an LRU bounded in bytes", () => {
  const d = new MemoryDictionary(4000);
  const entry = (n: number) => ({
    status: 200,
    headers: {},
    body: Buffer.alloc(n),
    timestamp: 0,
    ttl: 60,
    version: 1,
  });
  d.store("a", entry(1000), 60);
  d.store("b", entry(1000), 60);
  d.store("c", entry(1000), 60);
  d.fetch("a"); // a is now the most recently used
  d.store("d", entry(1000), 60);
  assert.ok(d.bytes <= 4000);
  assert.equal(d.fetch("b"), undefined);
  assert.ok(d.fetch("a"));
  d.store("huge", entry(10_000), 60);
  assert.equal(d.fetch("huge"), undefined);
});
