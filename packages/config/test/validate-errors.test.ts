import assert from "node:assert/strict";
import { test } from "node:test";
import { formatErrors, validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

function errorsOf(doc: unknown): string[] {
  const r = validateDeclarative(doc, { plugins: catalog });
  assert.equal(r.ok, false);
  return r.ok ? [] : formatErrors(r.errors).split("\n");
}

test("every error is listed as path: reason", () => {
  const lines = errorsOf({
    _format_version: "3.0",
    services: [
      { name: "a", url: "http://a", routes: [{ paths: ["/ok"] }, { paths: ["nope"] }] },
      { name: "a", host: "b", port: 70000 },
    ],
    routes: [{ paths: ["/x"], service: "ghost" }],
    plugins: [
      { name: "key-auth" },
      { name: "request-termination", config: { status_code: "x" } },
      { name: "foo" },
    ],
    bogus: 1,
  });
  for (const expected of [
    'services[0].routes[1].paths[0]: must start with "/" or "~"',
    "services[1].port: must be between 1 and 65535",
    'services[1].name: duplicate service name "a" (also at services[0].name)',
    'routes[0].service: unknown service "ghost"',
    "plugins[1].config.status_code: must be a number",
    'plugins[2].name: plugin "foo" is not installed on this data plane',
    "bogus: unknown field",
  ]) {
    assert.ok(lines.includes(expected), `missing ${expected} in\n${lines.join("\n")}`);
  }
});

test("required fields, types and semantic rules", () => {
  const lines = errorsOf({
    services: [
      { name: "s", url: "ftp://x" },
      { name: "t" },
      { name: "u", url: "http://x", host: "y" },
    ],
    routes: [{ name: "r" }, { paths: ["~/(unclosed"] }],
    consumers: [
      { keyauth_credentials: [{ key: "k" }, {}] },
      { username: "b", keyauth_credentials: [{ key: "k" }] },
    ],
    upstreams: [{ name: "up", targets: [{ target: "h:99999" }] }],
  });
  for (const expected of [
    "_format_version: is required",
    'services[0].url: protocol must be "http" or "https"',
    'services[1].host: is required (or set "url")',
    'services[2].url: use either "url" or "protocol"/"host"/"port"/"path", not both',
    'routes[0]: must set at least one of "methods", "hosts", "paths", "headers"',
    'consumers[0]: must set "username" or "custom_id"',
    'consumers[0].keyauth_credentials[1]: must set exactly one of "key" or "key_hash"',
    "consumers[1].keyauth_credentials[0].key: duplicate key (also at consumers[0].keyauth_credentials[0])",
    "upstreams[0].targets[0].target: port must be between 1 and 65535",
  ]) {
    assert.ok(lines.includes(expected), `missing ${expected} in\n${lines.join("\n")}`);
  }
  assert.ok(lines.some((l) => l.startsWith("routes[1].paths[0]: invalid regular expression")));
});

test("duplicate plugin per scope and misplaced references", () => {
  const lines = errorsOf({
    _format_version: "3.0",
    services: [{ name: "s", url: "http://x", plugins: [{ name: "key-auth", service: "s" }] }],
    plugins: [
      { name: "key-auth" },
      { name: "key-auth" },
      { name: "key-auth", route: "nope", config: [] },
    ],
  });
  assert.ok(
    lines.includes(
      "services[0].plugins[0].service: not allowed in a plugin nested under a service",
    ),
  );
  assert.ok(
    lines.includes(
      'plugins[1]: plugin "key-auth" is configured twice for the same scope (also at plugins[0])',
    ),
  );
  assert.ok(lines.includes('plugins[2].route: unknown route "nope"'));
  assert.ok(lines.includes("plugins[2].config: must be an object, got an array"), lines.join("\n"));
});

test("a non-object document is refused", () => {
  assert.deepEqual(errorsOf("hello"), ["the document must be an object (a YAML mapping)"]);
});
