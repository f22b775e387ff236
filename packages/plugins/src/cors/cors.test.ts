import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { cors } from "../index.js";

const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: "OPTIONS",
  headers: { origin, "access-control-request-method": "PUT", ...extra },
});
const get = (origin?: string) => ({ headers: origin ? { origin } : {} });
const upstream = { status: 200, headers: { "content-type": "text/plain" }, body: "hi" };
const run = (config: unknown, request: ReturnType<typeof get>) =>
  runPlugin(cors, config, { request, upstream });
const errors = (raw: unknown) => {
  const r = validatePluginConfig(cors, raw);
  return r.ok ? [] : r.errors;
};

test("preflight: 200 from the gateway with ACAO *, all methods, echoed request headers; not proxied", async () => {
  const r = await run(
    {},
    preflight("https://a.example", { "access-control-request-headers": "X-A, X-B" }),
  );
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest, undefined);
  assert.equal(r.response.header("access-control-allow-origin"), "*");
  assert.equal(
    r.response.header("access-control-allow-methods"),
    "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT",
  );
  assert.equal(r.response.header("access-control-allow-headers"), "X-A, X-B");
  assert.equal(r.response.header("access-control-max-age"), undefined);
  assert.equal(r.response.header("access-control-allow-credentials"), undefined);
  assert.equal(r.response.header("vary"), undefined);
});

test("preflight with methods, headers, max_age, credentials", async () => {
  const r = await run(
    {
      origins: ["https://a.example"],
      methods: ["GET", "POST"],
      headers: ["X-A", "Content-Type"],
      max_age: 600,
      credentials: true,
    },
    preflight("https://a.example", { "access-control-request-headers": "X-Other" }),
  );
  assert.equal(r.response.status, 200);
  assert.equal(r.response.header("access-control-allow-origin"), "https://a.example");
  assert.equal(r.response.header("access-control-allow-methods"), "GET,POST");
  assert.equal(r.response.header("access-control-allow-headers"), "X-A,Content-Type");
  assert.equal(r.response.header("access-control-max-age"), "600");
  assert.equal(r.response.header("access-control-allow-credentials"), "true");
  assert.equal(r.response.header("vary"), "Origin");
});

test("OPTIONS without Access-Control-Request-Method is not a preflight: proxied with CORS headers", async () => {
  const r = await run({}, { method: "OPTIONS", headers: { origin: "https://a.example" } } as never);
  assert.ok(r.upstreamRequest);
  assert.equal(r.response.header("access-control-allow-origin"), "*");
});

test("preflight_continue: the preflight goes to the upstream, no CORS headers added", async () => {
  const r = await run({ preflight_continue: true }, preflight("https://a.example"));
  assert.ok(r.upstreamRequest);
  assert.equal(r.response.header("access-control-allow-origin"), undefined);
  assert.equal(r.response.text, "hi");
});

test("private_network: answers Access-Control-Request-Private-Network: true", async () => {
  const ask = preflight("https://a.example", { "access-control-request-private-network": "true" });
  const off = await run({}, ask);
  assert.equal(off.response.header("access-control-allow-private-network"), undefined);
  const on = await run({ private_network: true }, ask);
  assert.equal(on.response.header("access-control-allow-private-network"), "true");
});

test("simple request: ACAO * and exposed_headers on the upstream's response", async () => {
  const r = await run({ exposed_headers: ["X-Request-Id", "X-Total"] }, get("https://a.example"));
  assert.equal(r.response.status, 200);
  assert.equal(r.response.text, "hi");
  assert.equal(r.response.header("access-control-allow-origin"), "*");
  assert.equal(r.response.header("access-control-expose-headers"), "X-Request-Id,X-Total");
});

test("credentials with '*': the request's origin is echoed with Vary: Origin (Kong)", async () => {
  const r = await run({ credentials: true }, get("https://a.example"));
  assert.equal(r.response.header("access-control-allow-origin"), "https://a.example");
  assert.equal(r.response.header("access-control-allow-credentials"), "true");
  assert.equal(r.response.header("vary"), "Origin");
});

test("methods: null (as in a Kong export) is accepted and allows every method", async () => {
  const r = await run({ methods: null }, preflight("https://a.example"));
  assert.equal(r.response.status, 200);
  assert.equal(
    r.response.header("access-control-allow-methods"),
    "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT",
  );
});

test("an empty Origin is never echoed, even with credentials and '*'", async () => {
  const r = await run({ credentials: true }, { headers: { origin: "" } });
  assert.equal(r.response.header("access-control-allow-origin"), "*");
  assert.equal(r.response.header("access-control-allow-credentials"), undefined);
  const listed = await run(
    { origins: ["https://a.example", "https://.*"] },
    { headers: { origin: "" } },
  );
  assert.equal(listed.response.header("access-control-allow-origin"), undefined);
});

test("a list of exact origins: a listed origin is echoed (normalized), others get no ACAO; Vary: Origin", async () => {
  const conf = { origins: ["https://a.example", "http://b.example:8080"] };
  const a = await run(conf, get("https://a.example:443"));
  assert.equal(a.response.header("access-control-allow-origin"), "https://a.example");
  assert.equal(a.response.header("vary"), "Origin");
  const b = await run(conf, get("http://b.example:8080"));
  assert.equal(b.response.header("access-control-allow-origin"), "http://b.example:8080");
  const other = await run(conf, get("https://evil.example"));
  assert.equal(other.response.header("access-control-allow-origin"), undefined);
  assert.equal(other.response.header("vary"), "Origin");
  assert.equal(
    (await run(conf, get("http://b.example"))).response.header("access-control-allow-origin"),
    undefined,
  );
});

test("a single exact origin is always sent, whatever the request's origin (Kong)", async () => {
  const r = await run({ origins: ["https://a.example"] }, get("https://evil.example"));
  assert.equal(r.response.header("access-control-allow-origin"), "https://a.example");
});

test("regex origins are anchored; without ':' they match the host only", async () => {
  const byDomain = { origins: ["https://.*\\.example\\.com"] };
  assert.equal(
    (await run(byDomain, get("https://api.example.com"))).response.header(
      "access-control-allow-origin",
    ),
    "https://api.example.com",
  );
  for (const o of [
    "https://api.example.com.evil.net",
    "http://api.example.com",
    "https://x.example.org",
  ]) {
    assert.equal(
      (await run(byDomain, get(o))).response.header("access-control-allow-origin"),
      undefined,
      o,
    );
  }
  const byHost = { origins: [".*\\.example\\.com"] };
  assert.equal(
    (await run(byHost, get("http://a.example.com:81"))).response.header(
      "access-control-allow-origin",
    ),
    "http://a.example.com:81",
  );
  assert.equal(
    (await run(byHost, get("http://example.com"))).response.header("access-control-allow-origin"),
    undefined,
  );
});

test("'*' among other origins allows any origin with ACAO *", async () => {
  const r = await run({ origins: ["https://a.example", "*"] }, get("https://z.example"));
  assert.equal(r.response.header("access-control-allow-origin"), "*");
});

test("Vary: Origin is appended to the upstream's Vary", async () => {
  const r = await runPlugin(
    cors,
    { origins: ["https://a.example", "https://b.example"] },
    {
      request: get("https://a.example"),
      upstream: { status: 200, headers: { vary: "Accept-Encoding" }, body: "" },
    },
  );
  const vary = Object.entries(r.response.headers).find(([k]) => k.toLowerCase() === "vary")?.[1];
  assert.equal([vary].flat().join(", "), "Accept-Encoding, Origin");
});

test("allow_origin_absent: false adds nothing to requests without Origin (true by default)", async () => {
  assert.equal((await run({}, get())).response.header("access-control-allow-origin"), "*");
  const r = await run({ allow_origin_absent: false }, get());
  assert.equal(r.response.header("access-control-allow-origin"), undefined);
});

test("config: defaults and every rejection with the field", () => {
  const ok = validatePluginConfig(cors, {});
  assert.deepEqual(ok.ok && ok.config, {
    methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE", "OPTIONS", "TRACE", "CONNECT"],
    credentials: false,
    private_network: false,
    preflight_continue: false,
    allow_origin_absent: true,
  });
  assert.deepEqual(errors({ origins: ["https://(a"] }), [
    { path: "config.origins[0]", message: "'https://(a' is not a valid regex" },
  ]);
  assert.deepEqual(errors({ methods: ["GET", "FETCH"] }), [
    {
      path: "config.methods[1]",
      message: "expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT",
    },
  ]);
  assert.deepEqual(errors({ headers: ["X-Ok", "bad header"] }), [
    { path: "config.headers[1]", message: "'bad header' is not a valid header name" },
  ]);
  assert.deepEqual(errors({ exposed_headers: ["a\r\nb"] })[0]?.path, "config.exposed_headers[0]");
  assert.deepEqual(errors({ max_age: -1 }), [
    { path: "config.max_age", message: "must be at least 0" },
  ]);
  assert.deepEqual(errors({ max_age: "1" }), [
    { path: "config.max_age", message: "expected a number" },
  ]);
  for (const f of ["credentials", "private_network", "preflight_continue", "allow_origin_absent"]) {
    assert.equal(errors({ [f]: "yes" })[0]?.path, `config.${f}`);
  }
  assert.deepEqual(errors({ origins: [""] }), [
    { path: "config.origins[0]", message: "must not be empty" },
  ]);
});
