import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalJson, hashConfig } from "../src/index.js";

test("hash ignores key order and changes with content", () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
  assert.equal(hashConfig({ a: 1, b: 2 }), hashConfig({ b: 2, a: 1 }));
  assert.notEqual(hashConfig({ a: 1 }), hashConfig({ a: 2 }));
  assert.match(hashConfig({}), /^[0-9a-f]{64}$/);
});
