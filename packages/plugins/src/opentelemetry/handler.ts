import type { Attributes, Span, Tracer } from "@opentelemetry/api";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import type { Kit } from "@gatehouse/plugin-kit";
import { DEFAULT_TRACING_SAMPLING_RATE, definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { OpenTelemetryConfig } from "./schema.js";
import { opentelemetrySchema } from "./schema.js";
import { extractContext, injectHeaders, retainProviders, tracerOf } from "./tracing.js";

const CTX = "opentelemetry";

interface Spans {
  root: Span;
  balancer: Span;
  balancerEnded: boolean;
  tracer: Tracer;
  /** clockOffset() when the request span started: one per request, so its children stay inside it */
  offset: number;
}

/**
 * Kong's plugin spans (tracing_instrumentations: plugin_*): one per plugin per phase call,
 * `kong.<phase>.plugin.<name>`, children of the request span, from the kit's timings (this plugin's own
 * log call, running now, is not among them).
 */
function pluginSpans(kit: Kit, spans: Spans): void {
  const ctx = trace.setSpan(context.active(), spans.root);
  const offset = spans.offset;
  for (const t of kit.phaseTimings ?? []) {
    const span = spans.tracer.startSpan(
      `kong.${t.phase}.plugin.${t.plugin}`,
      { kind: SpanKind.INTERNAL, startTime: t.start + offset },
      ctx,
    );
    if (t.outcome === "error") span.setStatus({ code: SpanStatusCode.ERROR });
    span.end(t.end + offset);
  }
}

/**
 * The kit times calls on the monotonic clock (performance.timeOrigin + now), which drifts from the
 * wall clock; the SDK anchors span times to Date.now() the same way: this is what to add to the kit's.
 */
function clockOffset(): number {
  return Date.now() - (performance.timeOrigin + performance.now());
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** route / service / consumer attributes, from the config snapshot */
function entityAttributes(kit: Kit): Attributes {
  const a: Attributes = {};
  const route = kit.router.getRoute() as { id?: unknown; name?: unknown } | undefined;
  const service = kit.router.getService() as { id?: unknown; name?: unknown } | undefined;
  const consumer = kit.client.getConsumer();
  const set = (k: string, v: unknown) => {
    const s = str(v);
    if (s !== undefined) a[k] = s;
  };
  set("kong.route.id", route?.id);
  set("kong.route.name", route?.name);
  set("kong.service.id", service?.id);
  set("kong.service.name", service?.name);
  set("kong.consumer.id", consumer?.id);
  set("kong.consumer.username", consumer?.username);
  return a;
}

async function access(kit: Kit, conf: OpenTelemetryConfig): Promise<void> {
  const req = kit.request;
  const headers = req.getHeaders(1000).headers;
  const { context: parent, format } = extractContext(conf, headers);
  for (const h of conf.propagation.clear ?? []) req.clearHeader(h);
  const tracer = await tracerOf(conf, kit.log);
  // the request span starts with the first plugin call timed (earlier plugins become its children)
  const first = kit.phaseTimings?.[0]?.start;
  const offset = clockOffset();
  const startTime = first === undefined ? undefined : first + offset;
  const query = req.getRawQuery();
  const url = `${req.getScheme()}://${req.getHost()}:${req.getPort()}${req.getPath()}${query === "" ? "" : `?${query}`}`;
  const root = tracer.startSpan(
    "kong",
    {
      kind: SpanKind.SERVER,
      attributes: {
        "http.method": req.getMethod(),
        "http.url": url,
        "http.host": req.getHost(),
        "http.scheme": req.getScheme(),
        "http.flavor": "1.1",
        "http.client_ip": kit.client.getForwardedIp(),
        "net.peer.ip": kit.client.getIp(),
      },
      ...(startTime !== undefined ? { startTime } : {}),
    },
    parent,
  );
  const rootCtx = trace.setSpan(parent, root);
  const service = kit.router.getService() as { host?: unknown; port?: unknown } | undefined;
  const balancer = tracer.startSpan(
    "kong.balancer",
    {
      kind: SpanKind.CLIENT,
      attributes: {
        ...(str(service?.host) ? { "net.peer.name": str(service?.host) } : {}),
        ...(typeof service?.port === "number" ? { "net.peer.port": service.port } : {}),
      },
    },
    rootCtx,
  );
  kit.ctx.set(CTX, { root, balancer, balancerEnded: false, tracer, offset } satisfies Spans);
  for (const [k, v] of Object.entries(
    injectHeaders(conf, trace.setSpan(rootCtx, balancer), format),
  ))
    req.setHeader(k, v);
}

function headerFilter(kit: Kit, conf: OpenTelemetryConfig): void {
  const spans = kit.ctx.get(CTX) as Spans | undefined;
  if (spans === undefined) return;
  if (kit.response.getSource() === "service") {
    spans.balancer.setAttribute("http.status_code", kit.response.getStatus());
    spans.balancer.end();
    spans.balancerEnded = true;
  }
  const header = conf.http_response_header_for_traceid;
  if (header != null) kit.response.setHeader(header, spans.root.spanContext().traceId);
}

function log(kit: Kit): void {
  const spans = kit.ctx.get(CTX) as Spans | undefined;
  if (spans === undefined) return;
  const info = kit.logInfo ?? {};
  const status = typeof info.status === "number" ? info.status : kit.response.getStatus();
  if (!spans.balancerEnded) {
    // the upstream was not called (an exit) or failed
    if (kit.response.getSource() === "error")
      spans.balancer.setStatus({ code: SpanStatusCode.ERROR, message: "upstream failure" });
    spans.balancer.end();
  }
  pluginSpans(kit, spans);
  const root = spans.root;
  root.setAttributes({ "http.status_code": status, ...entityAttributes(kit) });
  if (status >= 500) root.setStatus({ code: SpanStatusCode.ERROR });
  // on the same clock as its plugin spans' (the SDK's own end time may differ by its clock anchoring)
  root.end(performance.timeOrigin + performance.now() + spans.offset);
}

export const opentelemetry = definePlugin({
  name: "opentelemetry",
  version: "1.0.0",
  priority: 14,
  configSchema: opentelemetrySchema,
  phases: { access, header_filter: headerFilter, log },
  // a span per plugin phase call: the runner times them on the routes this plugin applies to
  phaseTimings: true,
  // Kong: an unset sampling_rate follows the node's tracing_sampling_rate
  bind: (config, options) => ({
    ok: true,
    config:
      config.sampling_rate != null
        ? config
        : {
            ...config,
            sampling_rate: options.tracingSamplingRate ?? DEFAULT_TRACING_SAMPLING_RATE,
          },
  }),
  retain: (configs) => retainProviders(configs),
  dispose: () => retainProviders([]),
  meta: {
    title: "OpenTelemetry",
    category: "observability",
    summary:
      "Traces each request (a server span and the upstream call) to an OTLP/HTTP endpoint in batches, and propagates W3C or B3 trace context upstream.",
    icon: "radar",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
