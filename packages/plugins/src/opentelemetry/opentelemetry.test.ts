import assert from "node:assert/strict";
import { test } from "node:test";
import { ROOT_CONTEXT, trace, TraceFlags } from "@opentelemetry/api";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { opentelemetry } from "../index.js";
import type { OpenTelemetryConfig } from "./schema.js";
import { extractContext, injectHeaders, propagationPlan } from "./tracing.js";

const conf = (raw: Record<string, unknown>): OpenTelemetryConfig => {
  const r = validatePluginConfig(opentelemetry, {
    traces_endpoint: "http://127.0.0.1:4318/v1/traces",
    ...raw,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.config;
};
const errors = (raw: unknown) => {
  const r = validatePluginConfig(opentelemetry, raw);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

test("defaults are Kong's: batches of 200, header_type preserve, w3c by default", () => {
  const c = conf({});
  assert.equal(c.queue.max_batch_size, 200);
  assert.equal(c.header_type, "preserve");
  assert.deepEqual(c.propagation, { default_format: "w3c" });
  assert.equal(c.connect_timeout, 1000);
  assert.deepEqual(propagationPlan(c), { extract: ["w3c", "b3"], inject: ["preserve"] });
});

test("refused configs name the field", () => {
  assert.deepEqual(errors({}), ["config.traces_endpoint: expected an http or https URL"]);
  assert.deepEqual(errors({ traces_endpoint: "ftp://x" }), [
    "config.traces_endpoint: expected an http or https URL",
  ]);
  assert.match(
    errors({ traces_endpoint: "http://x/v1/traces", header_type: "jaeger" })[0] ?? "",
    /^config\.header_type: expected one of: preserve, ignore, w3c, b3, b3-single \(jaeger, ot, aws, gcp, datadog and instana are Kong formats Gatehouse does not support\)$/,
  );
  assert.deepEqual(
    errors({ traces_endpoint: "http://x/v1/traces", logs_endpoint: "http://x/v1/logs" }),
    [
      "config.logs_endpoint: logs_endpoint is not supported: Gatehouse exports traces only (set traces_endpoint)",
    ],
  );
  assert.deepEqual(errors({ traces_endpoint: "http://x/v1/traces", sampling_rate: 2 }), [
    "config.sampling_rate: value should be between 0 and 1",
  ]);
});

test("preserve: a b3 request is answered in b3, a request without context in default_format", () => {
  const c = conf({});
  const incoming = {
    "x-b3-traceid": "463ac35c9f6413ad48485a3953bb6124",
    "x-b3-spanid": "0020000000000001",
    "x-b3-sampled": "1",
  };
  const { context, format } = extractContext(c, incoming);
  assert.equal(format, "b3");
  assert.equal(trace.getSpanContext(context)?.traceId, "463ac35c9f6413ad48485a3953bb6124");
  const out = injectHeaders(c, context, format);
  assert.equal(out["x-b3-traceid"], "463ac35c9f6413ad48485a3953bb6124");
  assert.equal(out.traceparent, undefined);
  const none = extractContext(c, {});
  assert.equal(none.format, undefined);
  const ctx = trace.setSpanContext(ROOT_CONTEXT, {
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    traceFlags: TraceFlags.SAMPLED,
  });
  assert.deepEqual(injectHeaders(c, ctx, undefined), {
    traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
  });
  assert.deepEqual(injectHeaders(conf({ header_type: "b3-single" }), ctx, undefined), {
    b3: "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
  });
});

test("propagation.extract empty: incoming context ignored; header_type ignore: nothing read, default injected", () => {
  const tp = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
  assert.equal(
    extractContext(conf({ propagation: { extract: [], inject: ["w3c"] } }), tp).format,
    undefined,
  );
  const ignore = conf({ header_type: "ignore" });
  assert.deepEqual(propagationPlan(ignore), { extract: [], inject: ["w3c"] });
  assert.equal(extractContext(ignore, tp).format, undefined);
});
