// Issue 12: upstreams with Kong's fields and defaults; Kong's entity checks on the hash settings.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_HEALTHCHECKS, validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const validate = (upstream: Record<string, unknown>) =>
  validateDeclarative(
    { _format_version: "3.0", upstreams: [{ name: "backend", ...upstream }] },
    { plugins: catalog },
  );

test("an upstream gets Kong's defaults", () => {
  const r = validate({ targets: [{ target: "10.0.0.1:80" }] });
  assert.ok(r.ok);
  const u = r.config.upstreams[0]!;
  assert.equal(u.algorithm, "round-robin");
  assert.equal(u.hashOn, "none");
  assert.equal(u.hashFallback, "none");
  assert.equal(u.hashOnCookiePath, "/");
  assert.equal(u.slots, 10000);
  assert.deepEqual(u.healthchecks, DEFAULT_HEALTHCHECKS);
  assert.deepEqual(
    u.healthchecks.active.unhealthy.http_statuses,
    [429, 404, 500, 501, 502, 503, 504, 505],
  );
  assert.deepEqual(u.healthchecks.passive.unhealthy.http_statuses, [429, 500, 503]);
});

test("health checks given in part are merged over the defaults", () => {
  const r = validate({
    algorithm: "least-connections",
    healthchecks: {
      active: { http_path: "/status", healthy: { interval: 5, successes: 2 } },
      passive: { unhealthy: { http_failures: 3 } },
      threshold: 50,
    },
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const h = r.config.upstreams[0]!.healthchecks;
  assert.equal(h.active.http_path, "/status");
  assert.deepEqual(h.active.healthy, { interval: 5, successes: 2, http_statuses: [200, 302] });
  assert.equal(h.active.timeout, 1);
  assert.equal(h.passive.unhealthy.http_failures, 3);
  assert.equal(h.passive.unhealthy.timeouts, 0);
  assert.equal(h.threshold, 50);
});

test("bad values name the field and the reason", () => {
  const r = validate({
    algorithm: "random",
    slots: 5,
    healthchecks: { active: { type: "udp", healthy: { interval: -1 } } },
  });
  assert.equal(r.ok, false);
  const errors = !r.ok ? r.errors : [];
  const paths = errors.map((e) => e.path).sort();
  assert.deepEqual(paths, [
    "upstreams[0].algorithm",
    "upstreams[0].healthchecks.active.healthy.interval",
    "upstreams[0].healthchecks.active.type",
    "upstreams[0].slots",
  ]);
  assert.match(errors.find((e) => e.path.endsWith("slots"))!.message, /between 10 and 65536/);
});

test("Kong's hash checks: the field hash_on reads is required, the fallback differs", () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ hash_on: "header" }, "upstreams[0].hash_on_header", /required when hash_on is "header"/],
    [{ hash_on: "cookie" }, "upstreams[0].hash_on_cookie", /required/],
    [{ hash_on: "query_arg" }, "upstreams[0].hash_on_query_arg", /required/],
    [{ hash_on: "uri_capture" }, "upstreams[0].hash_on_uri_capture", /required/],
    [{ hash_on: "none", hash_fallback: "ip" }, "upstreams[0].hash_fallback", /must be "none"/],
    [{ hash_on: "ip", hash_fallback: "ip" }, "upstreams[0].hash_fallback", /must differ/],
    [
      {
        hash_on: "header",
        hash_on_header: "x-a",
        hash_fallback: "header",
        hash_fallback_header: "x-a",
      },
      "upstreams[0].hash_fallback_header",
      /must differ/,
    ],
  ];
  for (const [fields, path, message] of cases) {
    const r = validate(fields);
    assert.equal(r.ok, false, JSON.stringify(fields));
    const e = !r.ok ? r.errors.find((x) => x.path === path) : undefined;
    assert.ok(e, `${JSON.stringify(fields)}: ${JSON.stringify(!r.ok && r.errors)}`);
    assert.match(e.message, message);
  }
  const ok = validate({
    algorithm: "consistent-hashing",
    hash_on: "header",
    hash_on_header: "x-user",
    hash_fallback: "ip",
  });
  assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.errors));
  assert.equal(ok.config.upstreams[0]!.hashOnHeader, "x-user");
});
