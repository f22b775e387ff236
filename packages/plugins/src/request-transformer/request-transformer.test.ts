import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import type { RunOptions, RunResult } from "@gatehouse/plugin-kit/testing";
import { requestTransformer } from "../index.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(requestTransformer, raw);
  return r.ok ? [] : r.errors;
};
const run = (conf: unknown, opts: RunOptions = {}) => runPlugin(requestTransformer, conf, opts);
/** headers as the upstream would receive them (lower-case names) */
function sent(r: RunResult): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.upstreamRequest?.headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}
const json = (body: unknown, extra: RunOptions["request"] = {}): RunOptions => ({
  request: {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    ...extra,
  },
});
const form = (body: string): RunOptions => ({
  request: {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  },
});

test("headers: remove, rename, replace (existing only), add (missing only), append", async () => {
  const r = await run(
    {
      remove: { headers: ["X-Drop"] },
      rename: { headers: ["X-Old:X-New"] },
      replace: { headers: ["X-Rep:new", "X-Absent:nope"] },
      add: { headers: ["X-Rep:ignored", "X-Added:yes"] },
      append: { headers: ["X-Multi:two", "X-Fresh:one"] },
    },
    { request: { headers: { "x-drop": "1", "x-old": "o", "x-rep": "old", "x-multi": "one" } } },
  );
  const h = sent(r);
  assert.equal(h["x-drop"], undefined);
  assert.equal(h["x-old"], undefined);
  assert.equal(h["x-new"], "o");
  assert.equal(h["x-rep"], "new");
  assert.equal(h["x-absent"], undefined);
  assert.equal(h["x-added"], "yes");
  assert.deepEqual(h["x-multi"], ["one", "two"]);
  assert.equal(h["x-fresh"], "one");
});

test("headers: replace of Host always sets it; add/append never touch Host", async () => {
  const r = await run(
    { replace: { headers: ["Host:backend.internal"] }, append: { headers: ["Host:evil"] } },
    { request: { headers: {} } },
  );
  assert.equal(sent(r).host, "backend.internal");
});

test("querystring: remove, rename, replace, add, append", async () => {
  const r = await run(
    {
      remove: { querystring: ["debug"] },
      rename: { querystring: ["q:search"] },
      replace: { querystring: ["page:1", "absent:x"] },
      add: { querystring: ["page:9", "lang:en"] },
      append: { querystring: ["tag:b"] },
    },
    { request: { query: "debug=1&q=shoes&page=5&tag=a" } },
  );
  assert.deepEqual(Object.fromEntries(new URLSearchParams(r.upstreamRequest?.query)), {
    search: "shoes",
    page: "1",
    lang: "en",
    tag: "b",
  });
  assert.deepEqual(new URLSearchParams(r.upstreamRequest?.query).getAll("tag"), ["a", "b"]);
});

test("JSON body: remove, rename, replace, add, append (strings; arrays on append)", async () => {
  const r = await run(
    {
      remove: { body: ["password"] },
      rename: { body: ["user:username"] },
      replace: { body: ["role:viewer", "absent:x"] },
      add: { body: ["role:admin", "source:gateway"] },
      append: { body: ["tags:b", "fresh:x"] },
    },
    json({ password: "p", user: "ann", role: "owner", tags: "a" }),
  );
  assert.deepEqual(JSON.parse(String(r.upstreamRequest?.body)), {
    username: "ann",
    role: "viewer",
    source: "gateway",
    tags: ["a", "b"],
    fresh: ["x"],
  });
  assert.equal(sent(r)["content-length"], String(r.upstreamRequest?.body.length));
});

test("JSON body: add creates a body; invalid JSON and non-objects are forwarded untouched", async () => {
  const empty = await run({ add: { body: ["a:1"] } }, json(undefined, { body: "" }));
  assert.equal(String(empty.upstreamRequest?.body), '{"a":"1"}');
  const bad = await run({ add: { body: ["a:1"] } }, json(undefined, { body: "{nope" }));
  assert.equal(String(bad.upstreamRequest?.body), "{nope");
  const arr = await run({ add: { body: ["a:1"] } }, json([1, 2]));
  assert.equal(String(arr.upstreamRequest?.body), "[1,2]");
});

test("form body: transformed; other content types are not read", async () => {
  const r = await run({ remove: { body: ["x"] }, add: { body: ["y:2"] } }, form("x=1&z=3"));
  assert.equal(String(r.upstreamRequest?.body), "z=3&y=2");
  const text = await run(
    { add: { body: ["y:2"] } },
    { request: { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" } },
  );
  assert.equal(text.bodyRead, false);
  assert.equal(String(text.upstreamRequest?.body), "hi");
});

test("multipart bodies are refused with 415 when body operations are configured", async () => {
  const r = await run(
    { add: { body: ["a:1"] } },
    {
      request: {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: "--x--",
      },
    },
  );
  assert.equal(r.response.status, 415);
  assert.deepEqual(r.response.json(), {
    message:
      "request-transformer cannot transform multipart/form-data bodies (only JSON and form-urlencoded)",
  });
  const headersOnly = await run(
    { add: { headers: ["X-A:1"] } },
    {
      request: {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: "--x--",
      },
    },
  );
  assert.equal(headersOnly.response.status, 200);
});

test("replace.uri sets the upstream path; http_method changes the method", async () => {
  const r = await run(
    { replace: { uri: "/v2/orders" }, http_method: "PUT" },
    { request: { path: "/api/x" } },
  );
  assert.equal(r.upstreamRequest?.path, "/v2/orders");
  assert.equal(r.upstreamRequest?.pathChanged, true);
  assert.equal(r.upstreamRequest?.method, "PUT");
});

test("http_method GET moves a form body into the querystring (Kong)", async () => {
  const r = await run(
    { http_method: "GET" },
    { request: { ...form("a=1&b=2").request, query: "a=0" } },
  );
  assert.equal(r.upstreamRequest?.method, "GET");
  const q = new URLSearchParams(r.upstreamRequest?.query);
  assert.deepEqual(q.getAll("a"), ["0", "1"]);
  assert.equal(q.get("b"), "2");
});

test("templates: headers and query_params of the client request, with defaults", async () => {
  const r = await run(
    {
      add: {
        headers: ['X-User:$(headers.x_user or "anon")', 'X-Page:p$(query_params["page"])'],
        querystring: ['tenant:$(headers["X-Tenant"])', 'who:$(headers.missing or "nobody")'],
      },
      replace: { uri: "/users/$(query_params.id)" },
    },
    { request: { headers: { "x-tenant": "acme" }, query: "page=3&id=42" } },
  );
  const h = sent(r);
  assert.equal(h["x-user"], "anon");
  assert.equal(h["x-page"], "p3");
  const q = new URLSearchParams(r.upstreamRequest?.query);
  assert.equal(q.get("tenant"), "acme");
  assert.equal(q.get("who"), "nobody");
  assert.equal(r.upstreamRequest?.path, "/users/42");
});

test("templates: $(uri_captures.name), $(uri_captures['name']) and $(uri_captures[n]) read the route's regex groups", async () => {
  assert.deepEqual(errors({ add: { headers: ["X-A:$(uri_captures[1])"] } }), []);
  assert.match(
    errors({ add: { headers: ["X-A:$(headers[1])"] } })[0]?.message ?? "",
    /unsupported/,
  );
  const r = await run(
    {
      replace: { uri: "/accounts/$(uri_captures.user)/items/$(uri_captures['item'])" },
      add: {
        headers: ["X-Second:$(uri_captures[2])", 'X-Missing:$(uri_captures.gone or "none")'],
      },
    },
    {
      request: {
        path: "/u/42/i/7",
        uriCaptures: { named: { user: "42", item: "7", gone: false }, unnamed: ["42", "7", false] },
      },
    },
  );
  assert.equal(r.upstreamRequest?.path, "/accounts/42/items/7");
  const h = sent(r);
  assert.equal(h["x-second"], "7");
  assert.equal(h["x-missing"], "none");
});

test("a template putting a control character in a header gets 400", async () => {
  const r = await run(
    { add: { headers: ["X-A:$(query_params.v)"] } },
    { request: { query: "v=a%0Ab" } },
  );
  assert.equal(r.response.status, 400);
  assert.deepEqual(r.response.json(), {
    message: "request-transformer: the value for header 'X-A' contains control characters",
  });
});

test("defaults: every list empty, nothing changed", async () => {
  const v = validatePluginConfig(requestTransformer, {});
  assert.ok(v.ok);
  const empty = { body: [], headers: [], querystring: [] };
  assert.deepEqual(v.config, {
    remove: empty,
    rename: empty,
    replace: empty,
    add: empty,
    append: empty,
  });
  const r = await run({}, json({ a: 1 }, { query: "x=1" }));
  assert.equal(r.bodyRead, false);
  assert.equal(r.upstreamRequest?.query, "x=1");
});

test("rejects entries without value, bad header names/values, bad method, bad uri", () => {
  assert.deepEqual(
    errors({
      http_method: "get",
      remove: { headers: ["Bad Name"] },
      rename: { headers: ["X-A:Bad Name"], body: ["a"] },
      replace: { uri: "v2", querystring: ["q:"] },
      add: { headers: ["X-A:a\nb", "Bad Name:x"] },
      append: { body: ["k"] },
    }),
    [
      { path: "config.http_method", message: "invalid value: get" },
      { path: "config.remove.headers[0]", message: "'Bad Name' is not a valid header name" },
      { path: "config.rename.body[0]", message: "key 'a' has no value" },
      { path: "config.rename.headers[0]", message: "'Bad Name' is not a valid header" },
      { path: "config.replace.querystring[0]", message: "key 'q' has no value" },
      { path: "config.replace.uri", message: "should start with: /" },
      {
        path: "config.add.headers[0]",
        message: "value of 'X-A' must not contain CR, LF or other control characters",
      },
      { path: "config.add.headers[1]", message: "'Bad Name' is not a valid header" },
      { path: "config.append.body[0]", message: "key 'k' has no value" },
    ],
  );
});

test("rejects unsupported templates and unknown fields", () => {
  assert.deepEqual(errors({ add: { body: ["a:$(shared.id)", "b:$(headers.x"] }, extra: 1 }), [
    {
      path: "config.add.body[0]",
      message:
        "value '$(shared.id)' is not in supported format, error: unsupported template expression 'shared.id': only headers, query_params and uri_captures, as <source>.<name> or <source>[\"<name>\"] (uri_captures[<n>] for a group by position), optionally followed by or \"<default>\", are supported",
    },
    {
      path: "config.add.body[1]",
      message: "value '$(headers.x' is not in supported format, error: unterminated $( in template",
    },
    { path: "config.extra", message: "unknown field" },
  ]);
});
