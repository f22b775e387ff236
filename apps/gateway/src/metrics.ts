import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { Counter as CounterT } from "prom-client";

/** Latency buckets, seconds (exported) and milliseconds (compared per request). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const BUCKETS_MS = BUCKETS.map((b) => b * 1000);

/** One histogram series: plain counters per request, turned into Prometheus buckets at scrape time. */
class Series {
  /** per bucket (not cumulative), last slot = above the largest bound */
  readonly counts = new Float64Array(BUCKETS.length + 1);
  sum = 0;
  count = 0;

  observeMs(ms: number): void {
    let i = 0;
    while (i < BUCKETS_MS.length && ms > (BUCKETS_MS[i] as number)) i++;
    (this.counts[i] as number)++;
    this.sum += ms;
    this.count++;
  }
}

/**
 * Per-route request statistics, updated on the request path with a few additions (no label
 * hashing per request); the registry reads them when /metrics is scraped.
 */
export class RouteMetrics {
  /** status → count */
  readonly byStatus = new Map<number, number>();
  upstream: Series | undefined;
  total: Series | undefined;
  constructor(readonly route: string) {}

  request(status: number, totalMs: number, upstreamMs: number | undefined): void {
    const byStatus = this.byStatus;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    (this.total ??= new Series()).observeMs(totalMs);
    if (upstreamMs !== undefined) (this.upstream ??= new Series()).observeMs(upstreamMs);
  }
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** A prom-client registry entry computed from the route statistics at scrape time. */
class RouteCollector {
  readonly aggregator = "sum";
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "histogram",
    private readonly routes: Map<string, RouteMetrics>,
    private readonly pick: (r: RouteMetrics) => Series | undefined,
  ) {}

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const r of this.routes.values()) {
      if (this.type === "counter") {
        for (const [status, n] of r.byStatus) {
          values.push({ labels: { route: r.route, status: String(status) }, value: n });
        }
        continue;
      }
      const s = this.pick(r);
      if (s === undefined) continue;
      let acc = 0;
      BUCKETS.forEach((le, i) => {
        acc += s.counts[i] as number;
        values.push({
          labels: { route: r.route, le },
          value: acc,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push(
        {
          labels: { route: r.route, le: "+Inf" },
          value: s.count,
          metricName: `${this.name}_bucket`,
        },
        { labels: { route: r.route }, value: s.sum / 1000, metricName: `${this.name}_sum` },
        { labels: { route: r.route }, value: s.count, metricName: `${this.name}_count` },
      );
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly configVersion: Gauge;
  readonly configApplies: CounterT;
  readonly configRejections: CounterT;
  /** client connections refused at accept, by cap */
  readonly connectionsRefused: CounterT<"reason">;
  /** client connections destroyed because the peer did not close within the grace after an error answer */
  readonly connectionsForcedClosed: CounterT;
  /** WebSocket connections relayed right now */
  readonly websocketsOpen: Gauge;
  /** the configured caps */
  readonly connectionsLimit: Gauge<"limit">;
  /** 1 = healthy (or no checks), 0 = unhealthy or its name does not resolve */
  readonly upstreamTargetHealth: Gauge<"upstream" | "target">;
  /** requests by the client's protocol (ALPN names: http/1.0, http/1.1, h2) */
  private readonly byProtocol: CounterT<"protocol">;
  private readonly protocolCounters = new Map<string, { inc(): void }>();
  /** open client connections on the proxy listener, read at scrape time (set by the gateway) */
  openConnections: () => Promise<number> = () => Promise.resolve(0);
  private readonly routes = new Map<string, RouteMetrics>();

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    const routes = this.routes;
    const collectors = [
      new RouteCollector(
        "gatehouse_requests_total",
        "Proxied requests by route and response status",
        "counter",
        routes,
        () => undefined,
      ),
      new RouteCollector(
        "gatehouse_upstream_latency_seconds",
        "Time from sending the request upstream to the upstream's response head",
        "histogram",
        routes,
        (r) => r.upstream,
      ),
      new RouteCollector(
        "gatehouse_request_latency_seconds",
        "Total time from the request's arrival to the end of the response",
        "histogram",
        routes,
        (r) => r.total,
      ),
    ];
    for (const c of collectors) this.registry.registerMetric(c as unknown as Counter);
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
    const openConnections = () => this.openConnections();
    new Gauge({
      name: "gatehouse_connections_open",
      help: "Client connections open on the proxy listener",
      registers,
      async collect() {
        this.set(await openConnections());
      },
    });
    this.websocketsOpen = new Gauge({
      name: "gatehouse_websocket_connections_open",
      help: "WebSocket connections upgraded and relayed right now (client and upstream side)",
      registers,
    });
    this.upstreamTargetHealth = new Gauge({
      name: "gatehouse_upstream_target_health",
      help: "Health of each target of each upstream on this data plane (1 healthy, 0 not)",
      labelNames: ["upstream", "target"],
      registers,
    });
    this.connectionsLimit = new Gauge({
      name: "gatehouse_connections_limit",
      help: "Connection caps of the proxy listener (max_connections, max_connections_per_ip; 0 = none)",
      labelNames: ["limit"],
      registers,
    });
    this.connectionsRefused = new Counter({
      name: "gatehouse_connections_refused_total",
      help: "Client connections closed at accept because a cap was reached",
      labelNames: ["reason"],
      registers,
    });
    this.connectionsRefused.inc({ reason: "max_connections" }, 0);
    this.connectionsRefused.inc({ reason: "max_connections_per_ip" }, 0);
    this.connectionsRefused.inc({ reason: "proxy_protocol" }, 0);
    this.byProtocol = new Counter({
      name: "gatehouse_requests_by_protocol_total",
      help: "Requests by the client's protocol (http/1.0, http/1.1, h2), all listeners",
      labelNames: ["protocol"],
      registers,
    });
    this.connectionsForcedClosed = new Counter({
      name: "gatehouse_connections_forced_closed_total",
      help: "Client connections destroyed because the peer did not close within the grace after an error answer",
      registers,
    });
    if (opts.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: "gatehouse_" });
  }

  /** Requests answered so far, every route and status (a worker's share in /v1/status). */
  requestCount(): number {
    let n = 0;
    for (const r of this.routes.values()) for (const c of r.byStatus.values()) n += c;
    return n;
  }

  /** One request of `protocol` (its ALPN name) is done. */
  requestProtocol(protocol: string): void {
    let c = this.protocolCounters.get(protocol);
    if (c === undefined) {
      c = this.byProtocol.labels({ protocol });
      this.protocolCounters.set(protocol, c);
    }
    c.inc();
  }

  /**
   * The cached per-route recorder; `route` is the route's name, else its id, else "none". Taken on
   * a route's first request (not when a config is compiled), so only routes that served requests
   * have one. A route removed from the config keeps its series until the process restarts, as
   * Kong's Prometheus plugin does: counters never go back or vanish between scrapes.
   */
  forRoute(route: string): RouteMetrics {
    let r = this.routes.get(route);
    if (r === undefined) {
      r = new RouteMetrics(route);
      this.routes.set(route, r);
    }
    return r;
  }
}
