// Target health, Kong's model (lua-resty-healthcheck): counters of successes and failures per
// target, fed by active probes and by proxied traffic (passive); a counter reaching its threshold
// flips the target, and every event resets the counters of the other direction. A threshold of 0
// turns that counter off. State lives per data plane, keyed by upstream name and target, so it
// survives config pushes that keep the target.
import type { Healthchecks, TargetHealth, UpstreamHealthReport } from "@gatehouse/config";

export type HealthEvent =
  | { kind: "success"; status?: number }
  | { kind: "http_failure"; status: number }
  | { kind: "tcp_failure" }
  | { kind: "timeout" };

/** The mutable state of one target on this data plane. */
export class TargetState {
  healthy = true;
  /** the target's host name does not resolve (any more): no traffic, reported as DNS_ERROR */
  dnsError = false;
  successes = 0;
  httpFailures = 0;
  tcpFailures = 0;
  timeouts = 0;
  /** requests in flight (least-connections) */
  active = 0;
  /** EWMA of response times in ms; 0 = no sample yet (latency) */
  ewma = 0;
  /** resolved addresses of a host-name target (empty: connect to the name itself) */
  addresses: string[] = [];
  private nextAddress = 0;

  constructor(
    readonly upstream: string,
    readonly target: string,
  ) {}

  get usable(): boolean {
    return this.healthy && !this.dnsError;
  }

  /** The address to connect to: the resolved addresses in turn, else the host name. */
  address(host: string): string {
    const list = this.addresses;
    if (list.length === 0) return host;
    const a = list[this.nextAddress % list.length] as string;
    this.nextAddress = (this.nextAddress + 1) % list.length;
    return a;
  }

  /** One more response time for the EWMA (weight 0.3 of the newest sample). */
  sample(ms: number): void {
    this.ewma = this.ewma === 0 ? ms : this.ewma * 0.7 + ms * 0.3;
  }
}

export type HealthListener = (state: TargetState, health: TargetHealth) => void;

/** What a target's health is, as the primary shares it with its workers (--workers). */
export interface TargetView {
  upstream: string;
  target: string;
  healthy: boolean;
  dnsError: boolean;
  addresses: string[];
}

/** A passive event of one target, as a worker reports it to the primary (--workers). */
export interface PassiveReport {
  upstream: string;
  target: string;
  event: HealthEvent;
}

interface Thresholds {
  successes: number;
  http_failures: number;
  tcp_failures: number;
  timeouts: number;
  healthyStatuses: ReadonlySet<number>;
  unhealthyStatuses: ReadonlySet<number>;
}

function thresholds(
  healthy: { successes: number; http_statuses: number[] },
  unhealthy: {
    http_failures: number;
    tcp_failures: number;
    timeouts: number;
    http_statuses: number[];
  },
): Thresholds {
  return {
    successes: healthy.successes,
    http_failures: unhealthy.http_failures,
    tcp_failures: unhealthy.tcp_failures,
    timeouts: unhealthy.timeouts,
    healthyStatuses: new Set(healthy.http_statuses),
    unhealthyStatuses: new Set(unhealthy.http_statuses),
  };
}

/** Kong's checks of one upstream, compiled for the request path. */
export class HealthPolicy {
  readonly active: Thresholds;
  readonly passive: Thresholds;
  /** any check configured at all (else targets report HEALTHCHECKS_OFF) */
  readonly enabled: boolean;

  constructor(readonly config: Healthchecks) {
    this.active = thresholds(config.active.healthy, config.active.unhealthy);
    this.passive = thresholds(config.passive.healthy, config.passive.unhealthy);
    const a = config.active;
    const p = config.passive.unhealthy;
    this.enabled =
      a.healthy.interval > 0 ||
      a.unhealthy.interval > 0 ||
      p.http_failures > 0 ||
      p.tcp_failures > 0 ||
      p.timeouts > 0;
  }

  /** A proxied response's status as an event (null: the status counts for neither side). */
  passiveStatus(status: number): HealthEvent | null {
    if (this.passive.unhealthyStatuses.has(status)) return { kind: "http_failure", status };
    if (this.passive.healthyStatuses.has(status)) return { kind: "success", status };
    return null;
  }

  activeStatus(status: number): HealthEvent | null {
    if (this.active.unhealthyStatuses.has(status)) return { kind: "http_failure", status };
    if (this.active.healthyStatuses.has(status)) return { kind: "success", status };
    return null;
  }
}

/** Every target state of this data plane; tells listeners when a target changes health. */
export class HealthRegistry {
  private readonly states = new Map<string, TargetState>();
  private readonly policies = new Map<string, HealthPolicy>();
  private readonly listeners = new Set<HealthListener>();
  /**
   * --workers, in a worker: passive events go to the primary (which counts them for the whole
   * node and shares the outcome) instead of being counted here.
   */
  passiveSink: ((report: PassiveReport) => void) | undefined;

  state(upstream: string, target: string): TargetState {
    const key = `${upstream}\0${target}`;
    let s = this.states.get(key);
    if (!s) {
      s = new TargetState(upstream, target);
      this.states.set(key, s);
    }
    return s;
  }

  /** The upstreams and targets of the running config: the states of others are dropped. */
  sync(upstreams: ReadonlyMap<string, { policy: HealthPolicy; targets: readonly string[] }>): void {
    const keep = new Set<string>();
    this.policies.clear();
    for (const [name, u] of upstreams) {
      this.policies.set(name, u.policy);
      for (const t of u.targets) keep.add(`${name}\0${t}`);
    }
    for (const key of this.states.keys()) if (!keep.has(key)) this.states.delete(key);
  }

  onChange(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Count `event` from active probes or passive traffic; may flip the target. */
  record(
    state: TargetState,
    policy: HealthPolicy,
    source: "active" | "passive",
    event: HealthEvent,
  ): void {
    if (source === "passive" && this.passiveSink !== undefined) {
      this.passiveSink({ upstream: state.upstream, target: state.target, event });
      return;
    }
    const t = source === "active" ? policy.active : policy.passive;
    if (event.kind === "success") {
      state.httpFailures = 0;
      state.tcpFailures = 0;
      state.timeouts = 0;
      if (state.healthy || t.successes === 0) return;
      if (++state.successes >= t.successes) this.set(state, true);
      return;
    }
    state.successes = 0;
    if (!state.healthy) return;
    const [count, limit] =
      event.kind === "http_failure"
        ? [++state.httpFailures, t.http_failures]
        : event.kind === "tcp_failure"
          ? [++state.tcpFailures, t.tcp_failures]
          : [++state.timeouts, t.timeouts];
    if (limit > 0 && count >= limit) this.set(state, false);
  }

  /** A worker's passive report, counted here (the primary's registry). */
  recordReport(report: PassiveReport): void {
    const s = this.states.get(`${report.upstream}\0${report.target}`);
    const policy = this.policies.get(report.upstream);
    if (s !== undefined && policy !== undefined) this.record(s, policy, "passive", report.event);
  }

  /** Every target's health as the workers need it. */
  views(): TargetView[] {
    return [...this.states.values()].map((s) => ({
      upstream: s.upstream,
      target: s.target,
      healthy: s.healthy,
      dnsError: s.dnsError,
      addresses: s.addresses,
    }));
  }

  /** The primary's view of targets (a worker's registry follows it); listeners hear of changes. */
  adopt(views: readonly TargetView[]): void {
    for (const v of views) {
      const s = this.states.get(`${v.upstream}\0${v.target}`);
      if (s === undefined) continue;
      s.addresses = v.addresses;
      if (s.healthy === v.healthy && s.dnsError === v.dnsError) continue;
      s.healthy = v.healthy;
      s.dnsError = v.dnsError;
      this.emit(s);
    }
  }

  /** A host name that resolves again, or stops resolving. */
  setDnsError(state: TargetState, error: boolean): void {
    if (state.dnsError === error) return;
    state.dnsError = error;
    this.emit(state);
  }

  private set(state: TargetState, healthy: boolean): void {
    state.healthy = healthy;
    state.successes = 0;
    state.httpFailures = 0;
    state.tcpFailures = 0;
    state.timeouts = 0;
    this.emit(state);
  }

  private emit(state: TargetState): void {
    const health = this.healthOf(state);
    for (const l of this.listeners) l(state, health);
  }

  healthOf(state: TargetState): TargetHealth {
    if (state.dnsError) return "DNS_ERROR";
    if (!state.healthy) return "UNHEALTHY";
    return this.policies.get(state.upstream)?.enabled === false ? "HEALTHCHECKS_OFF" : "HEALTHY";
  }

  /** What the heartbeat carries: every target of every upstream. */
  report(): UpstreamHealthReport {
    return [...this.states.values()].map((s) => ({
      upstream: s.upstream,
      target: s.target,
      health: this.healthOf(s),
      ...(s.addresses.length > 0
        ? { addresses: s.addresses.map((address) => ({ address, health: this.healthOf(s) })) }
        : {}),
    }));
  }

  all(): IterableIterator<TargetState> {
    return this.states.values();
  }
}
