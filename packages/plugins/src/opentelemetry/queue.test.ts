// opentelemetry's export queue is Kong's plugin queue (shared/queue.ts, as http-log's): the deprecated
// batch fields map into it, queue.max_bytes and queue.concurrency_limit apply; a real OTLP/HTTP
// receiver (JSON encoding) on loopback.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { DEFAULT_TRACING_SAMPLING_RATE, validatePluginConfig } from "@gatehouse/plugin-kit";
import type { KitLogger } from "@gatehouse/plugin-kit";
import { opentelemetry } from "../index.js";
import { collector } from "../testing.js";
import type { Collector } from "../testing.js";
import type { OpenTelemetryConfig } from "./schema.js";
import { flushAll, retainProviders, spanQueueOf, tracerOf } from "./tracing.js";

const conf = (raw: Record<string, unknown>): OpenTelemetryConfig => {
  const r = validatePluginConfig(opentelemetry, {
    traces_encoding: "json",
    sampling_rate: 1,
    ...raw,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.config;
};

/** the span names of each export request the receiver got, in order */
const exported = (c: Collector): string[][] =>
  c.received.map((r) =>
    (
      r.body as { resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[] }
    ).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.name))),
  );

function warnings(): { log: KitLogger; lines: string[] } {
  const lines: string[] = [];
  const log: KitLogger = {
    debug() {},
    info() {},
    warn: (_o, msg) => lines.push(msg ?? ""),
    error: (_o, msg) => lines.push(msg ?? ""),
  };
  return { log, lines };
}

/** each test's exporters are shut down after it */
function cleanup(t: TestContext): void {
  t.after(() => retainProviders([]));
}

test("Kong's deprecated batch_span_count / batch_flush_delay: accepted, moved into queue.max_batch_size / max_coalescing_delay when saved", () => {
  const c = conf({
    traces_endpoint: "http://127.0.0.1:1/v1/traces",
    batch_span_count: 2,
    batch_flush_delay: 7,
  });
  assert.equal(c.queue.max_batch_size, 2);
  assert.equal(c.queue.max_coalescing_delay, 7);
  assert.ok(!("batch_span_count" in c) && !("batch_flush_delay" in c), JSON.stringify(c));
  // their old defaults (200, 3) set nothing, as in Kong's Queue.get_plugin_params
  const old = conf({
    traces_endpoint: "http://127.0.0.1:1/v1/traces",
    batch_span_count: 200,
    batch_flush_delay: 3,
    queue: { max_batch_size: 5, max_coalescing_delay: 0.5 },
  });
  assert.equal(old.queue.max_batch_size, 5);
  assert.equal(old.queue.max_coalescing_delay, 0.5);
  // the saved config is valid input again, unchanged
  const again = validatePluginConfig(opentelemetry, c);
  assert.ok(again.ok);
  assert.deepEqual(again.config, c);
  const bad = validatePluginConfig(opentelemetry, {
    traces_endpoint: "http://x/v1/traces",
    batch_span_count: 0,
  });
  assert.deepEqual(bad.ok ? [] : bad.errors, [
    { path: "config.batch_span_count", message: "value should be between 1 and 1000000" },
  ]);
});

test("batch_span_count: the spans reach the receiver in batches of that size", async (t) => {
  const c = await collector(t);
  cleanup(t);
  const cfg = conf({ traces_endpoint: `${c.url}/v1/traces`, batch_span_count: 2 });
  const tracer = await tracerOf(cfg);
  for (const name of ["a", "b", "c", "d"]) tracer.startSpan(name).end();
  await c.waitFor(2);
  assert.deepEqual(exported(c), [
    ["a", "b"],
    ["c", "d"],
  ]);
});

test("queue.max_bytes: above it the oldest waiting spans are dropped, with a warning", async (t) => {
  const c = await collector(t);
  c.hold = true;
  cleanup(t);
  // each span's OTLP encoding is 3,000 bytes of attribute plus less than 1,000 of the rest: two fit
  const cfg = conf({
    traces_endpoint: `${c.url}/v1/traces`,
    queue: { max_batch_size: 1, max_bytes: 8000 },
  });
  const { log, lines } = warnings();
  const tracer = await tracerOf(cfg, log);
  const pad = "x".repeat(3000);
  tracer.startSpan("s1", { attributes: { pad } }).end(); // sent, held by the receiver
  await c.waitFor(1);
  for (const name of ["s2", "s3", "s4", "s5"])
    tracer.startSpan(name, { attributes: { pad } }).end();
  const queue = await spanQueueOf(cfg);
  assert.equal(queue?.size, 2);
  assert.equal(queue?.dropped, 2);
  assert.deepEqual(lines, [
    "opentelemetry: queue full (max_bytes 8000): dropped the oldest 1 entries",
  ]);
  c.release();
  await c.waitFor(3);
  assert.deepEqual(exported(c), [["s1"], ["s4"], ["s5"]]);
});

test("queue.concurrency_limit -1: every span is sent at once on its own, without waiting for the one before", async (t) => {
  const c = await collector(t);
  c.hold = true; // no answer comes back: with concurrency_limit 1 only one batch would be sent
  cleanup(t);
  const cfg = conf({
    traces_endpoint: `${c.url}/v1/traces`,
    queue: { concurrency_limit: -1, max_coalescing_delay: 60 },
  });
  const tracer = await tracerOf(cfg);
  for (const name of ["a", "b", "c"]) tracer.startSpan(name).end();
  await c.waitFor(3);
  assert.deepEqual(exported(c).sort(), [["a"], ["b"], ["c"]]);
  c.release();
  await flushAll();
});

test("concurrency_limit 1 (default): one batch in flight; the next waits for its answer", async (t) => {
  const c = await collector(t);
  c.hold = true;
  cleanup(t);
  const cfg = conf({ traces_endpoint: `${c.url}/v1/traces`, queue: { max_batch_size: 1 } });
  const tracer = await tracerOf(cfg);
  for (const name of ["a", "b", "c"]) tracer.startSpan(name).end();
  await c.waitFor(1);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(c.received.length, 1);
  c.release();
  await c.waitFor(3);
  assert.deepEqual(exported(c), [["a"], ["b"], ["c"]]);
});

test("sampling_rate unset: the data plane's tracing_sampling_rate, else Kong's default 0.01", () => {
  const c = validatePluginConfig(opentelemetry, { traces_endpoint: "http://x/v1/traces" });
  assert.ok(c.ok);
  assert.equal(c.config.sampling_rate, undefined);
  const bound = (options: { tracingSamplingRate?: number }) => {
    const r = opentelemetry.bind?.(c.config, { fileLogDirs: [], ...options });
    assert.ok(r?.ok);
    return r.config.sampling_rate;
  };
  assert.equal(bound({}), DEFAULT_TRACING_SAMPLING_RATE);
  assert.equal(DEFAULT_TRACING_SAMPLING_RATE, 0.01);
  assert.equal(bound({ tracingSamplingRate: 0.5 }), 0.5);
  const own = opentelemetry.bind?.(
    { ...c.config, sampling_rate: 0 },
    { fileLogDirs: [], tracingSamplingRate: 1 },
  );
  assert.ok(own?.ok);
  assert.equal(own.config.sampling_rate, 0);
});
