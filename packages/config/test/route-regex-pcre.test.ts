import assert from "node:assert/strict";
import { test } from "node:test";
import { pcreToJs, routePath, validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

test("Kong's PCRE named groups (?P<name>...) in a route regex are accepted and captured by name", () => {
  const r = routePath("~/users/(?P<user>[a-z]+)/(?P=user)$");
  assert.ok(r.ok);
  assert.equal(r.value.kind, "regex");
  if (r.value.kind !== "regex") return;
  const m = r.value.regex.exec("/users/ann/ann");
  assert.equal(m?.groups?.user, "ann");
  assert.equal(r.value.regex.exec("/users/ann/bob"), null);
});

test("pcreToJs leaves escaped parentheses and character classes alone", () => {
  assert.equal(pcreToJs("(?P<a>x)"), "(?<a>x)");
  assert.equal(pcreToJs("\\(?P<a>"), "\\(?P<a>");
  assert.equal(pcreToJs("[(?P<]+(?P<b>y)"), "[(?P<]+(?<b>y)");
  assert.equal(pcreToJs("[]](?P=b)"), "[]]\\k<b>");
});

test("the admin's document check and the data plane agree: a bad group name is refused with the path", () => {
  const doc = (path: string) => ({
    _format_version: "3.0",
    routes: [{ name: "r", paths: [path] }],
  });
  assert.ok(validateDeclarative(doc("~/u/(?P<id>\\d+)"), { plugins: catalog }).ok);
  const bad = validateDeclarative(doc("~/u/(?P<1id>\\d+)"), { plugins: catalog });
  assert.equal(bad.ok, false);
  if (bad.ok) return;
  assert.equal(bad.errors[0]?.path, "routes[0].paths[0]");
  assert.match(bad.errors[0]?.message ?? "", /^invalid regular expression: /);
});
