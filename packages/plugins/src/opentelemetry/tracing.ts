import type {
  Context,
  TextMapGetter,
  TextMapPropagator,
  TextMapSetter,
  Tracer,
} from "@opentelemetry/api";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace-base";
import type { Format, OpenTelemetryConfig } from "./schema.js";

/** The official propagators, one per format Gatehouse supports. */
const PROPAGATORS: Record<Format, TextMapPropagator> = {
  w3c: new W3CTraceContextPropagator(),
  b3: new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
  "b3-single": new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }),
};

type Headers = Record<string, string | string[]>;

const getter: TextMapGetter<Headers> = {
  keys: (c) => Object.keys(c),
  get: (c, key) => c[key.toLowerCase()],
};
const setter: TextMapSetter<Record<string, string>> = {
  set: (c, key, value) => {
    c[key] = value;
  },
};

/** Kong's propagation: what is read, what is written (header_type when extract and inject are unset). */
export function propagationPlan(conf: OpenTelemetryConfig): {
  extract: ("w3c" | "b3")[];
  inject: ("preserve" | Format)[];
} {
  const p = conf.propagation;
  const legacy = p.extract == null && p.inject == null;
  const ht = conf.header_type;
  const extract = p.extract ?? (legacy && ht === "ignore" ? [] : ["w3c", "b3"]);
  let inject = p.inject ?? [];
  if (legacy)
    inject = ht === "preserve" ? ["preserve"] : ht === "ignore" ? [p.default_format] : [ht];
  return { extract, inject };
}

/** The trace context of the request, and in which format it came. */
export function extractContext(
  conf: OpenTelemetryConfig,
  headers: Headers,
): { context: Context; format: Format | undefined } {
  for (const f of propagationPlan(conf).extract) {
    const ctx = PROPAGATORS[f].extract(ROOT_CONTEXT, headers, getter);
    const sc = trace.getSpanContext(ctx);
    if (sc !== undefined && trace.isSpanContextValid(sc)) {
      const format: Format = f === "b3" && headers.b3 !== undefined ? "b3-single" : f;
      return { context: ctx, format };
    }
  }
  return { context: ROOT_CONTEXT, format: undefined };
}

/** The headers to send upstream for `ctx` (its active span), in the configured formats. */
export function injectHeaders(
  conf: OpenTelemetryConfig,
  ctx: Context,
  incoming: Format | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  const formats = new Set<Format>();
  for (const f of propagationPlan(conf).inject)
    formats.add(f === "preserve" ? (incoming ?? conf.propagation.default_format) : f);
  for (const f of formats) PROPAGATORS[f].inject(ctx, out, setter);
  return out;
}

interface Exporting {
  provider: BasicTracerProvider;
  tracer: Tracer;
}

/** One provider (exporter + batch processor) per distinct export setting, shared by configs that agree. */
const providers = new Map<string, Exporting>();

function keyOf(c: OpenTelemetryConfig): string {
  return JSON.stringify([
    c.traces_endpoint,
    c.traces_encoding,
    c.headers ?? {},
    c.resource_attributes ?? {},
    c.queue,
    c.batch_span_count ?? null,
    c.batch_flush_delay ?? null,
    c.connect_timeout + c.send_timeout + c.read_timeout,
    c.sampling_rate ?? 1,
  ]);
}

function create(c: OpenTelemetryConfig): Exporting {
  const Exporter = c.traces_encoding === "json" ? JsonExporter : ProtoExporter;
  const exporter = new Exporter({
    url: c.traces_endpoint,
    headers: { ...(c.headers ?? {}) },
    timeoutMillis: c.connect_timeout + c.send_timeout + c.read_timeout,
  });
  const batch = c.batch_span_count ?? c.queue.max_batch_size;
  const processor = new BatchSpanProcessor(exporter, {
    maxExportBatchSize: Math.min(batch, c.queue.max_entries),
    maxQueueSize: c.queue.max_entries,
    scheduledDelayMillis: (c.batch_flush_delay ?? c.queue.max_coalescing_delay) * 1000,
    exportTimeoutMillis: c.connect_timeout + c.send_timeout + c.read_timeout,
  });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": "kong", ...(c.resource_attributes ?? {}) }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(c.sampling_rate ?? 1) }),
    spanProcessors: [processor],
  });
  return { provider, tracer: provider.getTracer("gatehouse-opentelemetry") };
}

/** The tracer of a config (its provider created on first use). */
export function tracerOf(c: OpenTelemetryConfig): Tracer {
  const key = keyOf(c);
  let e = providers.get(key);
  if (e === undefined) {
    e = create(c);
    providers.set(key, e);
  }
  return e.tracer;
}

/** Flushes and shuts down the providers no config in `configs` uses. */
export async function retainProviders(configs: readonly OpenTelemetryConfig[]): Promise<void> {
  const keep = new Set(configs.map(keyOf));
  const gone: Exporting[] = [];
  for (const [k, e] of providers) {
    if (!keep.has(k)) {
      providers.delete(k);
      gone.push(e);
    }
  }
  await Promise.allSettled(gone.map((e) => e.provider.shutdown()));
}

/** Sends what is queued now (tests, shutdown). */
export async function flushAll(): Promise<void> {
  await Promise.allSettled([...providers.values()].map((e) => e.provider.forceFlush()));
}
