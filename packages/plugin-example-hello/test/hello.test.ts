import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import hello from "../src/index.js";

test("adds the greeting header to upstream responses", async () => {
  const r = await runPlugin(hello, {}, { upstream: { status: 200, body: "ok" } });
  assert.equal(r.response.header("x-hello"), "Hello, world");
  assert.equal(r.response.text, "ok");
});

test("header_name and greeting; the consumer's username", async () => {
  const r = await runPlugin(
    hello,
    { header_name: "X-Greet", greeting: "Hi" },
    { credentials: {}, upstream: { status: 204 } },
  );
  assert.equal(r.response.header("x-greet"), "Hi, world");
});

test("rejections name the field and the reason", () => {
  const errors = (raw: unknown) => {
    const v = validatePluginConfig(hello, raw);
    return v.ok ? [] : v.errors;
  };
  assert.deepEqual(errors({ header_name: "bad name" }), [
    { path: "config.header_name", message: "'bad name' is not a valid header name" },
  ]);
  assert.deepEqual(errors({ greeting: "" }), [
    { path: "config.greeting", message: "must not be empty" },
  ]);
  assert.deepEqual(errors({ greeting: "a\r\nb" }), [
    { path: "config.greeting", message: "must not contain control characters" },
  ]);
  assert.equal(errors({ other: 1 })[0]?.path, "config.other");
});
