import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDeclarative } from "../src/index.js";

test("parses YAML and JSON", () => {
  const y = parseDeclarative('_format_version: "3.0"\nservices:\n  - name: a\n    url: http://x\n');
  assert.deepEqual(y, {
    ok: true,
    doc: { _format_version: "3.0", services: [{ name: "a", url: "http://x" }] },
  });
  const j = parseDeclarative('{"_format_version":"3.0"}', "kong.json");
  assert.deepEqual(j, { ok: true, doc: { _format_version: "3.0" } });
});

test("syntax errors name the line", () => {
  const r = parseDeclarative("services:\n  - name: a\n   bad: [\n");
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.errors[0]?.path ?? "", /^line \d+, column \d+$/);
  const j = parseDeclarative("{oops", "x.json");
  assert.equal(j.ok, false);
  if (!j.ok) assert.match(j.errors[0]?.message ?? "", /^invalid JSON/);
});

test("duplicate YAML keys are refused", () => {
  const r = parseDeclarative("a: 1\na: 2\n");
  assert.equal(r.ok, false);
});
