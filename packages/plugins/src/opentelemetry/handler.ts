import type { Attributes, Span } from "@opentelemetry/api";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { OpenTelemetryConfig } from "./schema.js";
import { opentelemetrySchema } from "./schema.js";
import { extractContext, injectHeaders, retainProviders, tracerOf } from "./tracing.js";

const CTX = "opentelemetry";

interface Spans {
  root: Span;
  balancer: Span;
  balancerEnded: boolean;
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
  const tracer = await tracerOf(conf);
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
  kit.ctx.set(CTX, { root, balancer, balancerEnded: false } satisfies Spans);
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
  const root = spans.root;
  root.setAttributes({ "http.status_code": status, ...entityAttributes(kit) });
  if (status >= 500) root.setStatus({ code: SpanStatusCode.ERROR });
  root.end();
}

export const opentelemetry = definePlugin({
  name: "opentelemetry",
  version: "1.0.0",
  priority: 14,
  configSchema: opentelemetrySchema,
  phases: { access, header_filter: headerFilter, log },
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
