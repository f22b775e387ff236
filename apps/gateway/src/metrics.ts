import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Counter as CounterT, Histogram as HistogramT } from "prom-client";

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Label children cached per route, so the hot path does one Map lookup and no label hashing. */
export class RouteMetrics {
  private readonly byStatus = new Map<number, CounterT.Internal>();
  constructor(
    private readonly m: GatewayMetrics,
    readonly route: string,
    readonly upstream: HistogramT.Internal<"route">,
    readonly total: HistogramT.Internal<"route">,
  ) {}
  request(status: number, totalMs: number, upstreamMs: number | undefined): void {
    let c = this.byStatus.get(status);
    if (c === undefined) {
      c = this.m.requests.labels(this.route, String(status));
      this.byStatus.set(status, c);
    }
    c.inc();
    this.total.observe(totalMs / 1000);
    if (upstreamMs !== undefined) this.upstream.observe(upstreamMs / 1000);
  }
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: CounterT<"route" | "status">;
  readonly upstreamLatency: HistogramT<"route">;
  readonly totalLatency: HistogramT<"route">;
  readonly configVersion: Gauge;
  readonly configApplies: CounterT;
  readonly configRejections: CounterT;
  private readonly routes = new Map<string, RouteMetrics>();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: "gatehouse_requests_total",
      help: "Proxied requests by route and response status",
      labelNames: ["route", "status"],
      registers,
    });
    this.upstreamLatency = new Histogram({
      name: "gatehouse_upstream_latency_seconds",
      help: "Time from sending the request upstream to the upstream's response head",
      labelNames: ["route"],
      buckets: BUCKETS,
      registers,
    });
    this.totalLatency = new Histogram({
      name: "gatehouse_request_latency_seconds",
      help: "Total time from the request's arrival to the end of the response",
      labelNames: ["route"],
      buckets: BUCKETS,
      registers,
    });
    this.configVersion = new Gauge({
      name: "gatehouse_config_version",
      help: "Version of the running config snapshot (0 = none)",
      registers,
    });
    this.configApplies = new Counter({
      name: "gatehouse_config_applies_total",
      help: "Config snapshots applied",
      registers,
    });
    this.configRejections = new Counter({
      name: "gatehouse_config_rejections_total",
      help: "Config snapshots refused (invalid, stale, or failed to compile)",
      registers,
    });
    if (opts.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: "gatehouse_" });
  }

  /** The cached per-route recorder; `route` is the route's name, else its id, else "none". */
  forRoute(route: string): RouteMetrics {
    let r = this.routes.get(route);
    if (r === undefined) {
      r = new RouteMetrics(
        this,
        route,
        this.upstreamLatency.labels(route),
        this.totalLatency.labels(route),
      );
      this.routes.set(route, r);
    }
    return r;
  }
}
