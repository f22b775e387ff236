import assert from "node:assert/strict";
import { test } from "node:test";
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { definePlugin, validatePluginConfig } from "@gatehouse/plugin-kit";
import type { RunOptions } from "@gatehouse/plugin-kit/testing";
import { chainOf, runTransaction } from "@gatehouse/plugin-kit/testing";
import { z } from "zod";
import { correlationId, errorPages } from "../index.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(errorPages, raw);
  return r.ok ? [] : r.errors;
};

const plugin = (name: string, phases: PluginDefinition["phases"]) =>
  definePlugin({ name, version: "1.0.0", priority: 1000, configSchema: z.object({}), phases });

const denies = plugin("denies", {
  access: (kit) =>
    kit.response.error(401, "No API key found in request", { "WWW-Authenticate": "Key" }),
});
const throws = plugin("throws", {
  access: () => {
    throw new Error("db password is hunter2");
  },
});
const exits = plugin("exits", { access: (kit) => kit.response.exit(403, "custom body") });

async function run(conf: unknown, before: PluginDefinition[] = [], opts: RunOptions = {}) {
  const v = validatePluginConfig(errorPages, conf);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const chain = chainOf([
    ...before.map((def) => ({ def, config: {} })),
    { def: errorPages, config: v.config },
  ]);
  return runTransaction(chain, opts);
}

const accept = (a: string): RunOptions => ({ request: { headers: { accept: a } } });

test("error(): JSON by default, message kept, other headers kept, Vary: Accept", async () => {
  const r = await run({}, [denies], { request: { headers: { "x-request-id": "abc" } } });
  assert.equal(r.response.status, 401);
  assert.equal(r.response.header("content-type"), "application/json; charset=utf-8");
  assert.deepEqual(r.response.json(), {
    message: "No API key found in request",
    status: 401,
    request_id: "abc",
  });
  assert.equal(r.response.header("www-authenticate"), "Key");
  assert.equal(r.response.header("vary"), "Accept");
  assert.equal(r.response.header("content-length"), String(r.response.body.length));
});

test("Accept chooses problem+json, XML, HTML, text; q-values and wildcards", async () => {
  const problem = await run({}, [denies], accept("application/problem+json"));
  assert.equal(problem.response.header("content-type"), "application/problem+json; charset=utf-8");
  assert.deepEqual(problem.response.json(), {
    type: "about:blank",
    title: "Unauthorized",
    status: 401,
    detail: "No API key found in request",
    instance: "/",
    request_id: "",
  });
  const xml = await run({}, [denies], accept("text/xml"));
  assert.match(xml.response.text, /<message>No API key found in request<\/message>/);
  const html = await run({}, [denies], accept("text/html,application/xhtml+xml,*/*;q=0.8"));
  assert.equal(html.response.header("content-type"), "text/html; charset=utf-8");
  assert.match(html.response.text, /<h1>401 Unauthorized<\/h1>/);
  const text = await run({}, [denies], accept("application/json;q=0.5, text/plain"));
  assert.equal(text.response.text, "401 Unauthorized: No API key found in request\nrequest id: \n");
  const star = await run({ default_format: "text" }, [denies], accept("*/*"));
  assert.equal(star.response.header("content-type"), "text/plain; charset=utf-8");
  const unknown = await run({ default_format: "xml" }, [denies], accept("image/png"));
  assert.equal(unknown.response.header("content-type"), "application/xml; charset=utf-8");
});

test("a thrown error never leaks its message: generic 500", async () => {
  const r = await run({}, [throws], accept("text/plain"));
  assert.equal(r.response.status, 500);
  assert.equal(r.source, "error");
  assert.equal(r.response.text.includes("hunter2"), false);
  assert.match(r.response.text, /^500 An unexpected error occurred: An unexpected error occurred/);
});

test("a thrown error in header_filter is caught too", async () => {
  const late = plugin("late", {
    header_filter: () => {
      throw new Error("internal detail");
    },
  });
  const r = await run({}, [late], accept("application/problem+json"));
  assert.equal(r.response.status, 500);
  assert.equal(r.response.json<{ detail: string }>().detail, "An unexpected error occurred");
});

test("upstream failures: timeout 504, refused 502 as problem+json", async () => {
  const t = await run({}, [], {
    ...accept("application/problem+json"),
    upstream: { fail: "timeout" },
  });
  assert.equal(t.response.status, 504);
  assert.equal(t.response.json<{ title: string }>().title, "The upstream server is timing out");
  const r = await run({}, [], { upstream: { fail: "refused" } });
  assert.equal(r.response.status, 502);
  assert.equal(r.response.json<{ status: number }>().status, 502);
});

test("request_id comes from correlation-id", async () => {
  const v = validatePluginConfig(correlationId, { generator: "uuid" });
  assert.ok(v.ok);
  const p = validatePluginConfig(errorPages, {});
  assert.ok(p.ok);
  const r = await runTransaction(
    chainOf([
      { def: correlationId, config: v.config },
      { def: denies, config: {} },
      { def: errorPages, config: p.config },
    ]),
  );
  const id = r.response.json<{ request_id: string }>().request_id;
  assert.match(id, /^[0-9a-f-]{36}$/);
});

test("templates: variables escaped per format; route, service, method, path", async () => {
  const conf = {
    templates: {
      json: '{"m":"{{message}}","r":"{{route}}","s":"{{service}}","at":"{{method}} {{path}}"}',
      html: "<p>{{message}}</p>",
      text: "{{ message }}",
    },
  };
  const evil = plugin("evil", { access: (kit) => kit.response.error(400, 'a "q" <b>&\u0007') });
  const opts: RunOptions = {
    route: { id: "r1", name: "orders" },
    service: { id: "s1" },
    request: { method: "POST", path: "/x" },
  };
  const j = await run(conf, [evil], opts);
  assert.deepEqual(j.response.json(), {
    m: 'a "q" <b>&\u0007',
    r: "orders",
    s: "s1",
    at: "POST /x",
  });
  const h = await run(conf, [evil], { ...opts, request: { headers: { accept: "text/html" } } });
  assert.equal(h.response.text, "<p>a &quot;q&quot; &lt;b&gt;&amp;\u0007</p>");
  const t = await run(conf, [evil], { ...opts, request: { headers: { accept: "text/plain" } } });
  assert.equal(t.response.text, 'a "q" <b>&');
});

test("overrides: message and templates per status; problem_type", async () => {
  const conf = {
    problem_type: "https://errors.example.com/auth",
    overrides: [
      { status: 401, message: "Log in first", templates: { text: "nope {{status}}" } },
      { status: 404, message: "unused" },
    ],
  };
  const j = await run(conf, [denies], accept("application/problem+json"));
  assert.equal(j.response.json<{ detail: string }>().detail, "Log in first");
  assert.equal(j.response.json<{ type: string }>().type, "https://errors.example.com/auth");
  const t = await run(conf, [denies], accept("text/plain"));
  assert.equal(t.response.text, "nope 401");
});

test("exit() bodies are kept unless replace_exit_bodies", async () => {
  const kept = await run({}, [exits]);
  assert.equal(kept.response.text, "custom body");
  const replaced = await run({ replace_exit_bodies: true }, [exits]);
  assert.deepEqual(replaced.response.json(), { message: "Forbidden", status: 403, request_id: "" });
});

test("upstream responses: untouched below 400 and by default; replace_upstream_errors", async () => {
  const upstream = { status: 404, headers: { "content-type": "text/plain" }, body: "stack trace" };
  const ok = await run({}, [], { upstream: { status: 200, body: "fine" } });
  assert.equal(ok.response.text, "fine");
  const kept = await run({}, [], { upstream });
  assert.equal(kept.response.text, "stack trace");
  const replaced = await run({ replace_upstream_errors: true }, [], { upstream });
  assert.equal(replaced.response.status, 404);
  assert.deepEqual(replaced.response.json(), { message: "Not found", status: 404, request_id: "" });
});

test("HEAD gets the status and headers, no body", async () => {
  const r = await run({}, [denies], { request: { method: "HEAD" } });
  assert.equal(r.response.status, 401);
  assert.equal(r.response.body.length, 0);
});

test("rejections name the field and the reason", () => {
  assert.deepEqual(errors({ default_format: "yaml" }), [
    { path: "config.default_format", message: "expected one of json, problem, xml, html, text" },
  ]);
  assert.deepEqual(errors({ templates: { text: "{{foo}}" } }), [
    {
      path: "config.templates.text",
      message:
        "unknown variable {{foo}} (known: status, title, message, request_id, route, service, method, path, type)",
    },
  ]);
  assert.deepEqual(errors({ templates: { json: "{message: {{message}}}" } }), [
    {
      path: "config.templates.json",
      message: 'must render to valid JSON (put string variables inside quotes: "{{message}}")',
    },
  ]);
  assert.deepEqual(errors({ templates: { html: "" } }), [
    { path: "config.templates.html", message: "must not be empty" },
  ]);
  assert.deepEqual(errors({ templates: { xml: "x".repeat(65537) } }), [
    { path: "config.templates.xml", message: "must be at most 65536 characters" },
  ]);
  assert.deepEqual(errors({ templates: { yaml: "x" } })[0]?.path, "config.templates.yaml");
  assert.deepEqual(errors({ overrides: [{ status: 404 }, { status: 404 }] }), [
    { path: "config.overrides[1].status", message: "duplicate override for status 404" },
  ]);
  assert.deepEqual(errors({ overrides: [{ status: 302 }] }), [
    { path: "config.overrides[0].status", message: "value should be between 400 and 599" },
  ]);
  assert.deepEqual(errors({ overrides: [{ status: 500, message: "" }] }), [
    { path: "config.overrides[0].message", message: "must not be empty" },
  ]);
  assert.deepEqual(errors({ problem_type: "" }), [
    { path: "config.problem_type", message: "must not be empty" },
  ]);
  assert.equal(errors({ replace_exit_bodies: "yes" })[0]?.path, "config.replace_exit_bodies");
  assert.equal(errors({ replace_upstream_errors: 1 })[0]?.path, "config.replace_upstream_errors");
  assert.equal(errors({ colour: "red" })[0]?.path, "config.colour");
});
