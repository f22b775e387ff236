import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { responseTransformer } from "../index.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(responseTransformer, raw);
  return r.ok ? [] : r.errors;
};
const upstream = {
  status: 200,
  headers: { "content-type": "application/json", server: "up", "x-old": "o", "x-keep": "k" },
  body: { a: 1, b: "two", list: ["x"], gone: true },
};

test("headers: remove, rename, replace, add (only if absent), append", async () => {
  const r = await runPlugin(
    responseTransformer,
    {
      remove: { headers: ["server"] },
      rename: { headers: ["x-old:x-new"] },
      replace: { headers: ["x-keep:replaced", "x-missing:nope"] },
      add: { headers: ["x-keep:not-added", "x-added:a:b"] },
      append: { headers: ["x-keep:appended"] },
    },
    { upstream },
  );
  const h = r.response;
  assert.equal(h.header("server"), undefined);
  assert.equal(h.header("x-old"), undefined);
  assert.equal(h.header("x-new"), "o");
  assert.deepEqual(h.headers["x-keep"], ["replaced", "appended"]);
  assert.equal(h.header("x-missing"), undefined);
  assert.equal(h.header("x-added"), "a:b");
});

test("json: remove, rename, replace, add, append with json_types", async () => {
  const r = await runPlugin(
    responseTransformer,
    {
      remove: { json: ["gone"] },
      rename: { json: ["b:bee"] },
      replace: { json: ["a:42", "nothere:1"], json_types: ["number", "number"] },
      add: { json: ["flag:true", "a:no"], json_types: ["boolean"] },
      append: { json: ["list:y", "bee:three", "fresh:z"] },
    },
    { upstream },
  );
  assert.deepEqual(r.response.json(), {
    a: 42,
    bee: ["two", "three"],
    list: ["x", "y"],
    flag: true,
    fresh: ["z"],
  });
  assert.equal(r.response.header("content-length"), String(r.response.body.length));
});

test("json edits only apply to JSON responses", async () => {
  const r = await runPlugin(
    responseTransformer,
    { add: { json: ["x:1"] } },
    {
      upstream: { headers: { "content-type": "text/plain" }, body: '{"a":1}' },
    },
  );
  assert.equal(r.response.text, '{"a":1}');
});

test("+json media types (application/problem+json, application/vnd.api+json) are transformed, as Kong", async () => {
  for (const ct of ["application/problem+json", "application/vnd.api+json; charset=utf-8"]) {
    const r = await runPlugin(
      responseTransformer,
      { add: { json: ["x:1"] } },
      { upstream: { headers: { "content-type": ct }, body: '{"a":1}' } },
    );
    assert.deepEqual(JSON.parse(r.response.text), { a: 1, x: "1" }, ct);
  }
  const xml = await runPlugin(
    responseTransformer,
    { add: { json: ["x:1"] } },
    { upstream: { headers: { "content-type": "application/problem+xml" }, body: '{"a":1}' } },
  );
  assert.equal(xml.response.text, '{"a":1}');
});

test("remove.headers accepts Kong's name:value entries (the header is removed by name)", async () => {
  assert.deepEqual(errors({ remove: { headers: ["x-old:o", "server"] } }), []);
  const r = await runPlugin(
    responseTransformer,
    { remove: { headers: ["x-old:anything", "server"] } },
    { upstream },
  );
  assert.equal(r.response.header("x-old"), undefined);
  assert.equal(r.response.header("server"), undefined);
  assert.equal(r.response.header("x-keep"), "k");
});

test("an invalid JSON body is passed through untouched", async () => {
  const r = await runPlugin(
    responseTransformer,
    { add: { json: ["x:1"] } },
    {
      upstream: { headers: { "content-type": "application/json" }, body: "{not json" },
    },
  );
  assert.equal(r.response.text, "{not json");
});

test("header changes also apply to exits of other plugins' responses (e.g. an error)", async () => {
  const r = await runPlugin(
    responseTransformer,
    { add: { headers: ["x-served-by:gatehouse"] } },
    { upstream: { fail: "timeout" } },
  );
  assert.equal(r.response.status, 504);
  assert.equal(r.response.header("x-served-by"), "gatehouse");
});

test("rejects entries without a value", () => {
  assert.deepEqual(errors({ add: { headers: ["x-a"] }, replace: { json: ["k:"] } }), [
    { path: "config.replace.json[0]", message: "key 'k' has no value" },
    { path: "config.add.headers[0]", message: "key 'x-a' has no value" },
  ]);
});

test("rejects invalid header names and values", () => {
  assert.deepEqual(errors({ remove: { headers: ["bad name"] }, rename: { headers: ["a:b c"] } }), [
    { path: "config.remove.headers[0]", message: "'bad name' is not a valid header" },
    { path: "config.rename.headers[0]", message: "'b c' is not a valid header" },
  ]);
  assert.deepEqual(errors({ add: { headers: ["x-a:v\r\nx-b: 1"] } }), [
    {
      path: "config.add.headers[0]",
      message: "value of 'x-a' must not contain CR, LF or other control characters",
    },
  ]);
});

test("rejects unknown json_types", () => {
  assert.deepEqual(errors({ add: { json: ["a:1"], json_types: ["int"] } }), [
    { path: "config.add.json_types[0]", message: "expected one of: boolean, number, string" },
  ]);
});

test("defaults: every list empty", () => {
  const r = validatePluginConfig(responseTransformer, {});
  assert.ok(r.ok);
  assert.deepEqual(r.ok && r.config.append, { json: [], json_types: [], headers: [] });
});
