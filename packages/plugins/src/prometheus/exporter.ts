import type { UpstreamTargetHealth } from "@gatehouse/plugin-kit";
import { Counter, Gauge, Histogram } from "prom-client";
import type { Registry } from "prom-client";

/** Kong's buckets (ms). */
export const KONG_LATENCY_BUCKETS = [
  1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000,
];
export const UPSTREAM_LATENCY_BUCKETS = [
  25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000,
];

/** What one request adds (label values come from the config and the status code only). */
export interface Observation {
  service: string;
  route: string;
  consumer: string;
  /** set with status_code_metrics */
  code?: number;
  source?: "service" | "kong";
  /** set with latency_metrics (ms; negative = not measured) */
  latencies?: { request: number; proxy: number; kong: number };
  /** set with bandwidth_metrics (bytes) */
  ingress?: number;
  egress?: number;
}

/** Kong OSS has one workspace. */
const WORKSPACE = "default";

/** Kong's states of kong_upstream_target_health, one series each (1: the current one). */
export const TARGET_STATES = ["healthchecks_off", "healthy", "unhealthy", "dns_error"] as const;

/** kong_upstream_target_health's series of one target (one address). */
function setTargetHealth(
  gauge: Gauge<string>,
  upstream: string,
  target: string,
  address: string,
  health: string,
): void {
  const current = health.toLowerCase();
  for (const state of TARGET_STATES)
    gauge.set({ upstream, target, address, state, subsystem: "http" }, state === current ? 1 : 0);
}

/** Kong's per-request metric families, registered once in one data plane's registry. */
export class Exporter {
  private readonly requests: Counter<string>;
  private readonly requestLatency: Histogram<string>;
  private readonly upstreamLatency: Histogram<string>;
  private readonly kongLatency: Histogram<string>;
  private readonly bandwidth: Counter<string>;
  /** whether a running config has upstream_health_metrics on (set by the plugin's retain) */
  upstreamHealthOn = false;

  constructor(registry: Registry, upstreamHealth?: () => readonly UpstreamTargetHealth[]) {
    const registers = [registry];
    const latencyLabels = ["service", "route", "workspace"];
    this.requests = new Counter({
      name: "kong_http_requests_total",
      help: "HTTP status codes per consumer/service/route in Kong",
      labelNames: ["service", "route", "code", "source", "workspace", "consumer"],
      registers,
    });
    this.kongLatency = new Histogram({
      name: "kong_kong_latency_ms",
      help: "Latency added by Kong and enabled plugins for each service/route in Kong",
      labelNames: latencyLabels,
      buckets: KONG_LATENCY_BUCKETS,
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: "kong_upstream_latency_ms",
      help: "Latency added by upstream response for each service/route in Kong",
      labelNames: latencyLabels,
      buckets: UPSTREAM_LATENCY_BUCKETS,
      registers,
    });
    this.requestLatency = new Histogram({
      name: "kong_request_latency_ms",
      help: "Total latency incurred during requests for each service/route in Kong",
      labelNames: latencyLabels,
      buckets: UPSTREAM_LATENCY_BUCKETS,
      registers,
    });
    this.bandwidth = new Counter({
      name: "kong_bandwidth_bytes",
      help: "Total bandwidth (ingress/egress) throughput in bytes",
      labelNames: ["service", "route", "direction", "workspace", "consumer"],
      registers,
    });
    const on = () => this.upstreamHealthOn;
    new Gauge({
      name: "kong_upstream_target_health",
      help: "Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error, value is 1 when state is populated.",
      labelNames: ["upstream", "target", "address", "state", "subsystem"],
      registers,
      // --workers: every worker follows the same health; the node's value is any worker's
      aggregator: "max",
      collect() {
        this.reset();
        if (!on() || upstreamHealth === undefined) return;
        for (const t of upstreamHealth()) {
          if (t.addresses === undefined || t.addresses.length === 0)
            setTargetHealth(this, t.upstream, t.target, t.target, t.health);
          else
            for (const a of t.addresses)
              setTargetHealth(this, t.upstream, t.target, a.address, a.health);
        }
      },
    });
  }

  /** Kong's exporter.log. */
  observe(o: Observation): void {
    const { service, route, consumer } = o;
    const workspace = WORKSPACE;
    if (o.ingress !== undefined && o.ingress > 0)
      this.bandwidth.inc({ service, route, direction: "ingress", workspace, consumer }, o.ingress);
    if (o.egress !== undefined && o.egress > 0)
      this.bandwidth.inc({ service, route, direction: "egress", workspace, consumer }, o.egress);
    if (o.code !== undefined) {
      const code = String(o.code);
      this.requests.inc({ service, route, code, source: o.source ?? "kong", workspace, consumer });
    }
    const l = o.latencies;
    if (l !== undefined) {
      const labels = { service, route, workspace };
      if (l.request >= 0) this.requestLatency.observe(labels, l.request);
      if (l.proxy >= 0) this.upstreamLatency.observe(labels, l.proxy);
      if (l.kong >= 0) this.kongLatency.observe(labels, l.kong);
    }
  }
}

const exporters = new WeakMap<object, Exporter>();
/** every exporter created (one per data plane in this process), for retain */
export const allExporters = new Set<Exporter>();

function isRegistry(v: unknown): v is Registry {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as Registry).registerMetric === "function" &&
    typeof (v as Registry).getSingleMetric === "function"
  );
}

/** The exporter of a data plane's registry (created on first use); undefined without a registry. */
export function exporterFor(
  registry: unknown,
  upstreamHealth?: () => readonly UpstreamTargetHealth[],
): Exporter | undefined {
  if (!isRegistry(registry)) return undefined;
  let e = exporters.get(registry);
  if (e === undefined) {
    e = new Exporter(registry, upstreamHealth);
    exporters.set(registry, e);
    allExporters.add(e);
  }
  return e;
}
