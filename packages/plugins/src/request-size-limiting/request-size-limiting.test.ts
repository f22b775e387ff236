import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { requestSizeLimiting } from "../index.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(requestSizeLimiting, raw);
  return r.ok ? [] : r.errors;
};
const post = (body: string, headers: Record<string, string> = {}) => ({
  request: { method: "POST", body, headers },
});
const chunked = (body: string) => post(body, { "transfer-encoding": "chunked" });

test("Content-Length above the limit: 413 'Request size limit exceeded', body not read", async () => {
  const r = await runPlugin(
    requestSizeLimiting,
    { allowed_payload_size: 4, size_unit: "bytes" },
    post("12345"),
  );
  assert.equal(r.response.status, 413);
  assert.deepEqual(r.response.json(), { message: "Request size limit exceeded" });
  assert.equal(r.bodyRead, false);
});

test("Content-Length at the limit passes, streamed (not buffered)", async () => {
  const r = await runPlugin(
    requestSizeLimiting,
    { allowed_payload_size: 5, size_unit: "bytes" },
    post("12345"),
  );
  assert.equal(r.response.status, 200);
  assert.equal(r.bodyRead, false);
  assert.equal(r.upstreamRequest?.body.toString(), "12345");
});

test("Expect: 100-continue above the limit gets 417", async () => {
  const r = await runPlugin(
    requestSizeLimiting,
    { allowed_payload_size: 1, size_unit: "bytes" },
    post("12", { expect: "100-Continue" }),
  );
  assert.equal(r.response.status, 417);
  assert.deepEqual(r.response.json(), { message: "Request size limit exceeded" });
});

test("a chunked body is counted: above the limit 413, at the limit forwarded", async () => {
  const conf = { allowed_payload_size: 5, size_unit: "bytes" };
  assert.equal(
    (await runPlugin(requestSizeLimiting, conf, chunked("123456"))).response.status,
    413,
  );
  const ok = await runPlugin(requestSizeLimiting, conf, chunked("12345"));
  assert.equal(ok.response.status, 200);
  assert.equal(ok.upstreamRequest?.body.toString(), "12345");
});

test("require_content_length: a chunked body gets 411, a request without body passes", async () => {
  const conf = { require_content_length: true };
  const r = await runPlugin(requestSizeLimiting, conf, chunked("x"));
  assert.equal(r.response.status, 411);
  assert.deepEqual(r.response.json(), { message: "A valid Content-Length header is required" });
  assert.equal((await runPlugin(requestSizeLimiting, conf, {})).response.status, 200);
  assert.equal((await runPlugin(requestSizeLimiting, conf, post("abc"))).response.status, 200);
});

test("size_unit: kilobytes are 1024 bytes, megabytes 2^20 bytes (default 128 megabytes)", async () => {
  const kb = { allowed_payload_size: 1, size_unit: "kilobytes" };
  assert.equal(
    (await runPlugin(requestSizeLimiting, kb, post("x".repeat(1024)))).response.status,
    200,
  );
  assert.equal(
    (await runPlugin(requestSizeLimiting, kb, post("x".repeat(1025)))).response.status,
    413,
  );
  const mb = { allowed_payload_size: 1 };
  const cl = (n: number) => ({
    request: { method: "POST", headers: { "content-length": String(n) } },
  });
  assert.equal((await runPlugin(requestSizeLimiting, mb, cl(1048576))).response.status, 200);
  assert.equal((await runPlugin(requestSizeLimiting, mb, cl(1048577))).response.status, 413);
  assert.equal((await runPlugin(requestSizeLimiting, {}, cl(128 * 1048576))).response.status, 200);
  assert.equal(
    (await runPlugin(requestSizeLimiting, {}, cl(128 * 1048576 + 1))).response.status,
    413,
  );
});

test("defaults (Kong's)", () => {
  assert.deepEqual(validatePluginConfig(requestSizeLimiting, {}), {
    ok: true,
    config: { allowed_payload_size: 128, size_unit: "megabytes", require_content_length: false },
  });
});

test("rejects bad sizes, units and fields", () => {
  assert.deepEqual(
    errors({
      allowed_payload_size: -1,
      size_unit: "gigabytes",
      require_content_length: "yes",
      x: 1,
    }),
    [
      { path: "config.allowed_payload_size", message: "value must be greater than or equal to 0" },
      { path: "config.size_unit", message: "expected one of: megabytes, kilobytes, bytes" },
      { path: "config.require_content_length", message: "expected a boolean" },
      { path: "config.x", message: "unknown field" },
    ],
  );
  assert.deepEqual(errors({ allowed_payload_size: 1.5 }), [
    { path: "config.allowed_payload_size", message: "expected an integer" },
  ]);
  assert.deepEqual(errors({ allowed_payload_size: 2 ** 50 }), [
    { path: "config.allowed_payload_size", message: "value is too large" },
  ]);
});
