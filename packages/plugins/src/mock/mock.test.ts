import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { mock } from "../index.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(mock, raw);
  return r.ok ? [] : r.errors;
};
const get = (path: string, method = "GET") => ({ request: { method, path } });

test("exact path: status, headers, JSON body; no proxying; other paths 404", async () => {
  const conf = {
    rules: [{ path: "/users", status: 201, headers: { "X-Mock": "1" }, body: { ok: true } }],
  };
  const r = await runPlugin(mock, conf, get("/users"));
  assert.equal(r.response.status, 201);
  assert.equal(r.response.header("x-mock"), "1");
  assert.equal(r.response.header("content-type"), "application/json; charset=utf-8");
  assert.deepEqual(r.response.json(), { ok: true });
  assert.equal(r.upstreamRequest, undefined);
  const miss = await runPlugin(mock, conf, get("/users/1"));
  assert.equal(miss.response.status, 404);
  assert.deepEqual(miss.response.json(), { message: "No mock matches this request" });
});

test("string bodies are text/plain unless Content-Type is set; no body → empty", async () => {
  const t = await runPlugin(mock, { rules: [{ path: "/t", body: "hi" }] }, get("/t"));
  assert.equal(t.response.header("content-type"), "text/plain; charset=utf-8");
  assert.equal(t.response.text, "hi");
  const x = await runPlugin(
    mock,
    { rules: [{ path: "/t", body: "<a/>", headers: { "content-type": "application/xml" } }] },
    get("/t"),
  );
  assert.equal(x.response.header("content-type"), "application/xml");
  const e = await runPlugin(mock, { rules: [{ path: "/t", status: 204 }] }, get("/t"));
  assert.equal(e.response.status, 204);
  assert.equal(e.response.text, "");
  const n = await runPlugin(mock, { rules: [{ path: "/t", body: 42 }] }, get("/t"));
  assert.equal(n.response.text, "42");
});

test("methods: only the listed methods match; first matching rule wins", async () => {
  const conf = {
    rules: [
      { methods: ["POST"], path: "/u", status: 201 },
      { path: "/u", status: 200 },
    ],
  };
  assert.equal((await runPlugin(mock, conf, get("/u", "POST"))).response.status, 201);
  assert.equal((await runPlugin(mock, conf, get("/u", "GET"))).response.status, 200);
});

test("{param} matches one segment and is substituted in the body", async () => {
  const conf = {
    rules: [{ path: "/users/{id}/orders/{order}", body: { id: "{id}", o: ["{order}"] } }],
  };
  const r = await runPlugin(mock, conf, get("/users/a%20b/orders/7"));
  assert.deepEqual(r.response.json(), { id: "a b", o: ["7"] });
  assert.equal((await runPlugin(mock, conf, get("/users/1/2/orders/7"))).response.status, 404);
});

test("globs: * within a segment, ** across segments", async () => {
  const conf = {
    rules: [
      { path: "/files/*.json", body: "one" },
      { path: "/static/**", body: "deep" },
    ],
  };
  assert.equal((await runPlugin(mock, conf, get("/files/a.json"))).response.text, "one");
  assert.equal((await runPlugin(mock, conf, get("/files/a/b.json"))).response.status, 404);
  assert.equal((await runPlugin(mock, conf, get("/static/a/b/c.css"))).response.text, "deep");
});

test("match: prefix stops at a / boundary", async () => {
  const conf = { rules: [{ path: "/api", match: "prefix", body: "p" }] };
  assert.equal((await runPlugin(mock, conf, get("/api"))).response.text, "p");
  assert.equal((await runPlugin(mock, conf, get("/api/v1/x"))).response.text, "p");
  assert.equal((await runPlugin(mock, conf, get("/apix"))).response.status, 404);
});

test("fallthrough: unmatched requests go to the upstream", async () => {
  const r = await runPlugin(
    mock,
    { rules: [{ path: "/m" }], fallthrough: true },
    { ...get("/other"), upstream: { status: 200, body: "real" } },
  );
  assert.equal(r.response.text, "real");
  assert.ok(r.upstreamRequest);
});

test("delay: waits before answering", async () => {
  const t0 = Date.now();
  const r = await runPlugin(mock, { rules: [{ path: "/s", delay: 120 }] }, get("/s"));
  assert.equal(r.response.status, 200);
  assert.ok(Date.now() - t0 >= 110, "delayed");
});

test("rejections name the field and the reason", () => {
  assert.deepEqual(errors({}), [{ path: "config.rules", message: "is required" }]);
  assert.deepEqual(errors({ rules: [] }), [
    { path: "config.rules", message: "at least one rule is required" },
  ]);
  const one = (rule: Record<string, unknown>) => errors({ rules: [{ path: "/x", ...rule }] });
  assert.deepEqual(one({ path: "x" }), [
    { path: "config.rules[0].path", message: 'must start with "/"' },
  ]);
  assert.deepEqual(one({ path: "/{a}/{a}" }), [
    { path: "config.rules[0].path", message: "duplicate parameter {a}" },
  ]);
  assert.deepEqual(one({ path: "/{a-b}" }), [
    { path: "config.rules[0].path", message: "a {param} name must be letters, digits or _" },
  ]);
  assert.deepEqual(one({ path: "/***" }), [
    { path: "config.rules[0].path", message: '"***" is not a valid wildcard (use * or **)' },
  ]);
  assert.deepEqual(one({ methods: ["get"] }), [
    {
      path: "config.rules[0].methods[0]",
      message: "'get' is not a valid method (upper case token)",
    },
  ]);
  assert.deepEqual(one({ match: "regex" }), [
    { path: "config.rules[0].match", message: "expected exact or prefix" },
  ]);
  assert.deepEqual(one({ status: 600 }), [
    { path: "config.rules[0].status", message: "value should be between 100 and 599" },
  ]);
  assert.deepEqual(one({ delay: 10001 }), [
    { path: "config.rules[0].delay", message: "value should be between 0 and 10000" },
  ]);
  assert.deepEqual(one({ headers: { "Bad Name": "v" } }), [
    {
      path: 'config.rules[0].headers["Bad Name"]',
      message: "'Bad Name' is not a valid header name",
    },
  ]);
  assert.deepEqual(one({ headers: { "X-A": "a\r\nb" } }), [
    {
      path: "config.rules[0].headers.X-A",
      message: "must not contain CR, LF or other control characters",
    },
  ]);
  assert.equal(one({ colour: "red" })[0]?.path, "config.rules[0].colour");
  assert.equal(
    errors({ rules: [{ path: "/x" }], fallthrough: "no" })[0]?.path,
    "config.fallthrough",
  );
});
