import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson, hashCanonical, hashConfig } from "../src/index.js";

test("hash ignores key order and changes with content", () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  assert.equal(hashConfig({ a: 1, b: 2 }), hashConfig({ b: 2, a: 1 }));
  assert.notEqual(hashConfig({ a: 1 }), hashConfig({ a: 2 }));
  assert.match(hashConfig({}), /^[0-9a-f]{64}$/);
});

test("canonical JSON is the same whether the document arrives sorted, unsorted or parsed", () => {
  const unsorted = {
    services: [{ routes: [{ paths: ["/a"], name: "r", tags: [] }], name: "s", port: 80 }],
    _format_version: "3.0",
  };
  const expected =
    '{"_format_version":"3.0","services":[{"name":"s","port":80,"routes":[{"name":"r","paths":["/a"],"tags":[]}]}]}';
  assert.equal(canonicalJson(unsorted), expected);
  assert.equal(canonicalJson(JSON.parse(expected)), expected);
  assert.equal(hashCanonical(expected), hashConfig(unsorted));
});

test("canonical JSON keeps its definition for values JSON.stringify treats differently", () => {
  // integer-like keys sort as strings; toJSON is not called; undefined/functions dropped or null
  assert.equal(canonicalJson({ "10": 1, "9": 2, a: 3 }), '{"10":1,"9":2,"a":3}');
  assert.equal(canonicalJson({ d: new Date(0) }), '{"d":{}}');
  assert.equal(
    canonicalJson({ a: undefined, f: () => 1, l: [undefined, NaN] }),
    '{"l":[null,null]}',
  );
  assert.equal(
    canonicalJson(JSON.parse('{"__proto__":{"b":1,"a":2}}')),
    '{"__proto__":{"a":2,"b":1}}',
  );
  assert.equal(canonicalJson(undefined), "null");
});
