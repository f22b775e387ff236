import assert from "node:assert/strict";
import { test } from "node:test";
import { formatErrors, validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const huge = "k".repeat(300_000);

test("over-long values for indexed columns are refused by the shared schema (both planes)", () => {
  const r = validateDeclarative(
    {
      _format_version: "3.0",
      services: [{ name: "s", url: "http://s", routes: [{ paths: ["/s"] }] }],
      routes: [{ paths: ["/t"], service: "x".repeat(257) }],
      consumers: [
        {
          username: huge,
          custom_id: huge,
          jwt_secrets: [{ key: huge }],
          acls: [{ group: huge }],
          basicauth_credentials: [{ username: huge, password: "p" }],
          keyauth_credentials: [{ key: huge }],
        },
      ],
      plugins: [{ name: "key-auth", instance_name: huge }],
      upstreams: [{ name: "s", targets: [{ target: huge }] }],
    },
    { plugins: catalog },
  );
  assert.equal(r.ok, false);
  const lines = r.ok ? [] : formatErrors(r.errors).split("\n");
  for (const expected of [
    "routes[0].service: must be at most 256 characters",
    "consumers[0].username: must be at most 256 characters",
    "consumers[0].custom_id: must be at most 256 characters",
    "consumers[0].jwt_secrets[0].key: must be at most 512 characters",
    "consumers[0].acls[0].group: must be at most 256 characters",
    "consumers[0].basicauth_credentials[0].username: must be at most 256 characters",
    "consumers[0].keyauth_credentials[0].key: must be at most 4096 characters",
    "plugins[0].instance_name: must be at most 128 characters",
    "upstreams[0].targets[0].target: must be at most 512 characters",
  ]) {
    assert.ok(lines.includes(expected), `${expected}\nin:\n${lines.join("\n")}`);
  }
});

test("values at the limits are accepted", () => {
  const r = validateDeclarative(
    {
      _format_version: "3.0",
      consumers: [
        {
          username: "u".repeat(256),
          jwt_secrets: [{ key: "j".repeat(512), secret: "s".repeat(4096) }],
          acls: [{ group: "g".repeat(256) }],
        },
      ],
      plugins: [{ name: "key-auth", instance_name: "i".repeat(128) }],
    },
    { plugins: catalog },
  );
  assert.equal(r.ok, true, r.ok ? "" : formatErrors(r.errors));
});
