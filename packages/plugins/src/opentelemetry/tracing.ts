import type {
  Context,
  TextMapGetter,
  TextMapPropagator,
  TextMapSetter,
  Tracer,
} from "@opentelemetry/api";
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { B3InjectEncoding, B3Propagator } from "@opentelemetry/propagator-b3";
import type * as OtlpHttp from "@opentelemetry/exporter-trace-otlp-http";
import type * as OtlpProto from "@opentelemetry/exporter-trace-otlp-proto";
import type * as OtlpTransformer from "@opentelemetry/otlp-transformer";
import type * as Resources from "@opentelemetry/resources";
import type * as SdkTraceBase from "@opentelemetry/sdk-trace-base";
import type { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import type { KitLogger } from "@gatehouse/plugin-kit";
import { DEFAULT_TRACING_SAMPLING_RATE } from "@gatehouse/plugin-kit";
import type { Format, OpenTelemetryConfig } from "./schema.js";
import { QueueSpanProcessor } from "./span-queue.js";

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
  processor: QueueSpanProcessor;
}

/**
 * The SDK and the OTLP exporters (protobuf encoding alone takes seconds to load on a busy machine) are
 * loaded on first use, not when the data plane starts.
 */
let sdk: Promise<Sdk> | undefined;
type Sdk = [
  typeof SdkTraceBase,
  typeof Resources,
  typeof OtlpProto,
  typeof OtlpHttp,
  typeof OtlpTransformer,
];
function loadSdk(): Promise<Sdk> {
  sdk ??= Promise.all([
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/otlp-transformer"),
  ]);
  return sdk;
}

/** One provider (exporter + batch processor) per distinct export setting, shared by configs that agree. */
const providers = new Map<string, Promise<Exporting>>();

function keyOf(c: OpenTelemetryConfig): string {
  return JSON.stringify([
    c.traces_endpoint,
    c.traces_encoding,
    c.headers ?? {},
    c.resource_attributes ?? {},
    c.queue,
    c.connect_timeout + c.send_timeout + c.read_timeout,
    samplingRate(c),
  ]);
}

/** The config's sampling_rate; unset (a config the data plane did not bind): Kong's default. */
function samplingRate(c: OpenTelemetryConfig): number {
  return c.sampling_rate ?? DEFAULT_TRACING_SAMPLING_RATE;
}

async function create(c: OpenTelemetryConfig): Promise<Exporting> {
  const [base, resources, proto, json, transformer] = await loadSdk();
  const { BasicTracerProvider, ParentBasedSampler, TraceIdRatioBasedSampler } = base;
  const isJson = c.traces_encoding === "json";
  const Exporter = isJson ? json.OTLPTraceExporter : proto.OTLPTraceExporter;
  const exporter = new Exporter({
    url: c.traces_endpoint,
    headers: { ...(c.headers ?? {}) },
    timeoutMillis: c.connect_timeout + c.send_timeout + c.read_timeout,
  });
  const serializer = isJson ? transformer.JsonTraceSerializer : transformer.ProtobufTraceSerializer;
  const processor = new QueueSpanProcessor(
    exporter,
    c.queue,
    new URL(c.traces_endpoint).origin,
    (span) => serializer.serializeRequest([span])?.byteLength ?? 0,
  );
  const provider = new BasicTracerProvider({
    resource: resources.resourceFromAttributes({
      "service.name": "kong",
      ...(c.resource_attributes ?? {}),
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(samplingRate(c)) }),
    spanProcessors: [processor],
  });
  return { provider, tracer: provider.getTracer("gatehouse-opentelemetry"), processor };
}

/** The exporting side of a config (created on first use). */
function exportingOf(c: OpenTelemetryConfig): Promise<Exporting> {
  const key = keyOf(c);
  let e = providers.get(key);
  if (e === undefined) {
    e = create(c);
    providers.set(key, e);
  }
  return e;
}

/** The tracer of a config; `log` is where its queue reports drops and failed batches. */
export async function tracerOf(c: OpenTelemetryConfig, log?: KitLogger): Promise<Tracer> {
  const e = await exportingOf(c);
  if (log !== undefined) e.processor.queue.setLogger(log);
  return e.tracer;
}

/** The span queue of a config (tests): undefined until its exporter exists. */
export async function spanQueueOf(
  c: OpenTelemetryConfig,
): Promise<QueueSpanProcessor["queue"] | undefined> {
  const e = providers.get(keyOf(c));
  return e === undefined ? undefined : (await e).processor.queue;
}

/** Flushes and shuts down the providers no config in `configs` uses. */
export async function retainProviders(configs: readonly OpenTelemetryConfig[]): Promise<void> {
  const keep = new Set(configs.map(keyOf));
  const gone: Promise<Exporting>[] = [];
  for (const [k, e] of providers) {
    if (!keep.has(k)) {
      providers.delete(k);
      gone.push(e);
    }
  }
  await Promise.allSettled(gone.map(async (e) => (await e).provider.shutdown()));
  // the configs in use get their exporter now, not on their first request
  await Promise.allSettled(configs.map((c) => tracerOf(c)));
}

/** Sends what is queued now (tests, shutdown). */
export async function flushAll(): Promise<void> {
  await Promise.allSettled(
    [...providers.values()].map(async (e) => (await e).provider.forceFlush()),
  );
}
