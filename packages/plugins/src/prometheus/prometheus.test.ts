import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { chainOf, runTransaction } from "@gatehouse/plugin-kit/testing";
import type { RunOptions } from "@gatehouse/plugin-kit/testing";
import { Registry } from "prom-client";
import { prometheus } from "../index.js";
import { exporterFor } from "./exporter.js";

/** The config bound to a fresh registry, as a data plane would. */
function boundTo(registry: Registry | undefined, raw: Record<string, unknown>) {
  const v = validatePluginConfig(prometheus, raw);
  assert.ok(v.ok);
  const r = prometheus.bind?.(v.config, { fileLogDirs: [], metricsRegistry: registry });
  assert.ok(r?.ok);
  return r.config;
}

async function runBound(config: unknown, opts: RunOptions) {
  return runTransaction(chainOf([{ def: prometheus, config }]), opts);
}

const route = { id: "r-id", name: "orders" };
const service = { id: "s-id", name: "shop", host: "shop.internal" };

test("defaults are Kong's: every metric group off", () => {
  const v = validatePluginConfig(prometheus, {});
  assert.ok(v.ok);
  assert.deepEqual(v.config, {
    per_consumer: false,
    status_code_metrics: false,
    latency_metrics: false,
    bandwidth_metrics: false,
    upstream_health_metrics: false,
    ai_metrics: false,
  });
  const bad = validatePluginConfig(prometheus, { per_consumer: "yes" });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors, [{ path: "config.per_consumer", message: "expected a boolean" }]);
});

test("log phase: Kong's series with service name, route name, code, source and consumer", async () => {
  const registry = new Registry();
  const conf = boundTo(registry, {
    per_consumer: true,
    status_code_metrics: true,
    latency_metrics: true,
    bandwidth_metrics: true,
  });
  await runBound(conf, {
    route,
    service,
    upstream: { status: 201, headers: { "content-length": "7" }, body: "created" },
    request: { headers: { "content-length": "3" }, body: "abc", method: "POST" },
    logInfo: { status: 201, total_ms: 12.4, upstream_ms: 10.1, request_size: 3, response_size: 7 },
  });
  const text = await registry.metrics();
  assert.match(
    text,
    /^kong_http_requests_total\{service="shop",route="orders",code="201",source="service",workspace="default",consumer=""\} 1$/m,
  );
  assert.match(
    text,
    /^kong_request_latency_ms_sum\{service="shop",route="orders",workspace="default"\} 12$/m,
  );
  assert.match(
    text,
    /^kong_upstream_latency_ms_sum\{service="shop",route="orders",workspace="default"\} 10$/m,
  );
  assert.match(
    text,
    /^kong_kong_latency_ms_sum\{service="shop",route="orders",workspace="default"\} 2$/m,
  );
  assert.match(
    text,
    /^kong_bandwidth_bytes\{service="shop",route="orders",direction="ingress",workspace="default",consumer=""\} 3$/m,
  );
  assert.match(
    text,
    /^kong_bandwidth_bytes\{service="shop",route="orders",direction="egress",workspace="default",consumer=""\} 7$/m,
  );
});

test("an exit is source kong; the route's id and the service's host stand in for missing names", async () => {
  const registry = new Registry();
  const conf = boundTo(registry, { status_code_metrics: true });
  await runBound(conf, {
    route: { id: "r-id", name: null },
    service: { id: "s", name: null, host: "backend" },
    upstream: { fail: "refused" },
    logInfo: { status: 502 },
  });
  assert.match(
    await registry.metrics(),
    /^kong_http_requests_total\{service="backend",route="r-id",code="502",source="kong",workspace="default",consumer=""\} 1$/m,
  );
});

test("no route (or no registry): nothing is recorded and nothing fails", async () => {
  const registry = new Registry();
  const conf = boundTo(registry, { status_code_metrics: true });
  await runBound(conf, { logInfo: { status: 200 } });
  assert.doesNotMatch(await registry.metrics(), /^kong_http_requests_total\{/m);
  const unbound = boundTo(undefined, { status_code_metrics: true });
  const r = await runBound(unbound, { route, service });
  assert.equal(r.response.status, 200);
});

test("one exporter per registry: metric families are registered once", () => {
  const registry = new Registry();
  assert.equal(exporterFor(registry), exporterFor(registry));
  assert.equal(registry.getMetricsAsArray().length, 6);
  assert.notEqual(exporterFor(new Registry()), exporterFor(registry));
});
