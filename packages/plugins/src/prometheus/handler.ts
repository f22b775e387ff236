import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { latenciesOf, sizesOf } from "../shared/log-entry.js";
import { readme } from "../shared/readme.js";
import type { Exporter, Observation } from "./exporter.js";
import { allExporters, exporterFor } from "./exporter.js";
import type { PrometheusConfig } from "./schema.js";
import { prometheusSchema } from "./schema.js";

/** Configs bound by a data plane (bind) → the exporter of that data plane's registry. */
const bound = new WeakMap<PrometheusConfig, Exporter>();

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * Kong's handler.log + exporter.log: labels are the service's name (else host), the route's name (else
 * id), the status code, the source and the consumer's username — all from the config snapshot, never
 * from what the client sends, so the number of series stays bounded.
 */
export function observationOf(kit: Kit, conf: PrometheusConfig): Observation | undefined {
  const route = kit.router.getRoute() as { id?: unknown; name?: unknown } | undefined;
  const routeName = str(route?.name) ?? str(route?.id);
  if (routeName === undefined) return undefined; // Kong: no route, no metrics
  const service = kit.router.getService() as { name?: unknown; host?: unknown } | undefined;
  const o: Observation = {
    service: str(service?.name) ?? str(service?.host) ?? "",
    route: routeName,
    consumer: (conf.per_consumer ? str(kit.client.getConsumer()?.username) : undefined) ?? "",
  };
  if (conf.status_code_metrics) {
    const status = kit.logInfo?.status;
    o.code = typeof status === "number" ? status : kit.response.getStatus();
    o.source = kit.response.getSource() === "service" ? "service" : "kong";
  }
  if (conf.latency_metrics) o.latencies = latenciesOf(kit.logInfo ?? {});
  if (conf.bandwidth_metrics) {
    const sizes = sizesOf(kit);
    o.ingress = sizes.request;
    o.egress = sizes.response;
  }
  return o;
}

function log(kit: Kit, conf: PrometheusConfig): void {
  const exporter = bound.get(conf);
  if (exporter === undefined) return; // not bound to a data plane with a registry
  const o = observationOf(kit, conf);
  if (o !== undefined) exporter.observe(o);
}

export const prometheus = definePlugin({
  name: "prometheus",
  version: "1.0.0",
  priority: 13,
  configSchema: prometheusSchema,
  phases: { log },
  bind(config, options) {
    const exporter = exporterFor(options.metricsRegistry, options.upstreamHealth);
    const own = { ...config };
    if (exporter !== undefined) bound.set(own, exporter);
    return { ok: true, config: own };
  },
  // kong_upstream_target_health is exported while a running config has upstream_health_metrics on
  retain(configs) {
    for (const e of allExporters) e.upstreamHealthOn = false;
    for (const c of configs) {
      const e = bound.get(c);
      if (e !== undefined && c.upstream_health_metrics) e.upstreamHealthOn = true;
    }
  },
  meta: {
    title: "Prometheus",
    category: "observability",
    summary:
      "Request counts, latencies and bandwidth per service, route and consumer, and upstream target health, with Kong's metric names, on the data plane's /metrics.",
    icon: "activity",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
