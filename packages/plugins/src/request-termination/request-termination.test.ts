import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { requestTermination } from "../index.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(requestTermination, raw);
  return r.ok ? [] : r.errors;
};

test("defaults: 503 with {message: 'Service unavailable'} and no proxying", async () => {
  const r = await runPlugin(requestTermination, {});
  assert.equal(r.response.status, 503);
  assert.deepEqual(r.response.json(), { message: "Service unavailable" });
  assert.equal(r.response.header("content-type"), "application/json; charset=utf-8");
  assert.equal(r.upstreamRequest, undefined);
  assert.equal(r.source, "exit");
});

test("status_code and message", async () => {
  const r = await runPlugin(requestTermination, { status_code: 403, message: "So long" });
  assert.equal(r.response.status, 403);
  assert.deepEqual(r.response.json(), { message: "So long" });
});

test("a status below 400 is allowed (an exit, not an error)", async () => {
  const r = await runPlugin(requestTermination, { status_code: 200, message: "ok" });
  assert.equal(r.response.status, 200);
  assert.deepEqual(r.response.json(), { message: "ok" });
});

test("body with content_type is sent raw", async () => {
  const r = await runPlugin(requestTermination, {
    status_code: 200,
    body: "<h1>bye</h1>",
    content_type: "text/html",
  });
  assert.equal(r.response.text, "<h1>bye</h1>");
  assert.equal(r.response.header("content-type"), "text/html");
});

test("body without content_type defaults to application/json; charset=utf-8", async () => {
  const r = await runPlugin(requestTermination, { body: '{"down":true}' });
  assert.equal(r.response.header("content-type"), "application/json; charset=utf-8");
  assert.equal(r.response.text, '{"down":true}');
});

test("trigger: requests without the header or query argument pass", async () => {
  const conf = { trigger: "x-kill" };
  const pass = await runPlugin(requestTermination, conf);
  const byHeader = await runPlugin(requestTermination, conf, {
    request: { headers: { "x-kill": "1" } },
  });
  const byQuery = await runPlugin(requestTermination, conf, { request: { query: "x-kill=1" } });
  assert.deepEqual(
    [pass.response.status, byHeader.response.status, byQuery.response.status],
    [200, 503, 503],
  );
  assert.ok(pass.upstreamRequest);
});

test("echo_trigger is an alias of trigger", async () => {
  const r = await runPlugin(
    requestTermination,
    { echo: true, echo_trigger: "x-debug" },
    { request: { headers: { "x-debug": "1" } } },
  );
  assert.equal(r.response.status, 503);
  const pass = await runPlugin(requestTermination, { echo: true, echo_trigger: "x-debug" });
  assert.equal(pass.response.status, 200);
});

test("echo answers with a copy of the request", async () => {
  const r = await runPlugin(
    requestTermination,
    { status_code: 200, echo: true },
    {
      request: {
        method: "POST",
        path: "/p",
        query: "a=1",
        headers: { "x-h": "v", "content-type": "application/json" },
        body: '{"b":2}',
      },
      route: { id: "r1" },
    },
  );
  const j = r.response.json<{
    message: string;
    request: Record<string, unknown>;
    matched_route: unknown;
  }>();
  assert.equal(j.request.method, "POST");
  assert.equal(j.request.path, "/p");
  assert.deepEqual(j.request.query, { a: "1" });
  assert.equal((j.request.headers as Record<string, string>)["x-h"], "v");
  assert.deepEqual(j.request.body, { b: 2 });
  assert.equal(j.request.raw_body, '{"b":2}');
  assert.deepEqual(j.matched_route, { id: "r1" });
});

test("echo of a request without a body leaves request.body out, as Kong", async () => {
  const r = await runPlugin(requestTermination, { status_code: 200, echo: true });
  assert.equal(r.response.status, 200);
  const j = r.response.json() as { request: Record<string, unknown> };
  assert.equal("body" in j.request, false);
  assert.equal(j.request.raw_body, "");
  // a JSON content type with an empty or non-object body: Kong's get_body() gives nil too
  for (const body of ["", "not json", "42"]) {
    const r2 = await runPlugin(
      requestTermination,
      { status_code: 200, echo: true },
      { request: { method: "POST", headers: { "content-type": "application/json" }, body } },
    );
    const j2 = r2.response.json() as { request: Record<string, unknown> };
    assert.equal("body" in j2.request, false, body);
    assert.equal(j2.request.raw_body, body);
  }
});

test("echo includes the route's uri_captures (named and unnamed), as Kong", async () => {
  const r = await runPlugin(
    requestTermination,
    { status_code: 200, echo: true },
    {
      request: {
        path: "/users/42",
        uriCaptures: { named: { id: "42" }, unnamed: ["42"] },
      },
    },
  );
  const j = r.response.json() as { request: Record<string, unknown> };
  assert.deepEqual(j.request.uri_captures, { named: { id: "42" }, unnamed: ["42"] });
  const none = await runPlugin(requestTermination, { status_code: 200, echo: true });
  const jn = none.response.json() as { request: Record<string, unknown> };
  assert.deepEqual(jn.request.uri_captures, { named: {}, unnamed: [] });
});

test("rejects message with body or content_type", () => {
  assert.deepEqual(errors({ message: "a", body: "b" }), [
    { path: "config.message", message: "message cannot be used with content_type or body" },
  ]);
});

test("rejects content_type without body", () => {
  assert.deepEqual(errors({ content_type: "text/plain" }), [
    { path: "config.content_type", message: "content_type requires a body" },
  ]);
});

test("rejects echo with body", () => {
  assert.deepEqual(errors({ echo: true, body: "x" }), [
    { path: "config.echo", message: "echo cannot be used with content_type and body" },
  ]);
});

test("rejects trigger together with echo_trigger", () => {
  assert.deepEqual(errors({ trigger: "a", echo_trigger: "b" }), [
    {
      path: "config.echo_trigger",
      message: "echo_trigger is an alias of trigger: set only one of them",
    },
  ]);
});

test("rejects status_code outside 100..599 and non-integers", () => {
  assert.deepEqual(errors({ status_code: 600 }), [
    { path: "config.status_code", message: "value should be between 100 and 599" },
  ]);
  assert.deepEqual(errors({ status_code: 99 }), [
    { path: "config.status_code", message: "value should be between 100 and 599" },
  ]);
  assert.deepEqual(errors({ status_code: 200.5 }), [
    { path: "config.status_code", message: "expected an integer" },
  ]);
});

test("rejects an invalid trigger header name, a content_type with CR/LF and unknown fields", () => {
  assert.deepEqual(errors({ trigger: "x y" }), [
    { path: "config.trigger", message: "'x y' is not a valid header name" },
  ]);
  assert.deepEqual(errors({ body: "x", content_type: "text/plain\r\nX: y" }), [
    { path: "config.content_type", message: "must not contain CR, LF or other control characters" },
  ]);
  assert.deepEqual(errors({ nope: 1 }), [{ path: "config.nope", message: "unknown field" }]);
});

test("null fields (as decK exports them) are accepted", () => {
  assert.deepEqual(errors({ message: null, body: null, content_type: null, trigger: null }), []);
});
