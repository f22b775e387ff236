// The health of every upstream target on this data plane: one registry, one active prober, one
// resolver for host-name targets, whatever the number of config generations. Health changes go
// to the log and to gatehouse_upstream_target_health; the heartbeat reports them (agent.ts).
import type { Logger } from "pino";
import type { GatewayMetrics } from "../../metrics.js";
import type { UpstreamGuard } from "../guard.js";
import { TargetResolver } from "./dns.js";
import type { Resolve } from "./dns.js";
import { HealthRegistry } from "./health.js";
import type { HealthPolicy, TargetState } from "./health.js";
import { ActiveProber } from "./prober.js";

/** One upstream entity of a compiled config, as the health services need it. */
export interface BalancedUpstream {
  name: string;
  policy: HealthPolicy;
  guard: UpstreamGuard | undefined;
  targets: { host: string; port: number; hostHeader: string; target: string; state: TargetState }[];
}

export class NodeHealth {
  readonly registry = new HealthRegistry();
  private readonly prober: ActiveProber | undefined;
  private readonly resolver: TargetResolver | undefined;

  /**
   * `follower` (a worker under --workers): no prober, no resolver, no log lines; the registry
   * follows the primary's (HealthRegistry.adopt) and passive events go to it (passiveSink).
   */
  constructor(
    private readonly metrics: GatewayMetrics,
    log: Logger,
    resolve?: Resolve,
    follower = false,
  ) {
    if (follower) {
      this.registry.onChange((state) => this.gauge(state));
      return;
    }
    this.prober = new ActiveProber(this.registry);
    this.resolver = new TargetResolver(this.registry, resolve);
    this.registry.onChange((state, health) => {
      log.info(
        { upstream: state.upstream, target: state.target, health },
        `upstream target ${state.target} of ${state.upstream} is now ${health}`,
      );
      this.gauge(state);
    });
  }

  /** The upstreams of the config just applied. */
  apply(upstreams: readonly BalancedUpstream[]): void {
    const byName = new Map<string, { policy: HealthPolicy; targets: string[] }>();
    for (const u of upstreams) {
      byName.set(u.name, { policy: u.policy, targets: u.targets.map((t) => t.target) });
    }
    this.registry.sync(byName);
    this.prober?.sync(
      upstreams.map((u) => ({
        name: u.name,
        policy: u.policy,
        guard: u.guard,
        targets: u.targets,
      })),
    );
    this.resolver?.sync(upstreams.flatMap((u) => u.targets));
    this.metrics.upstreamTargetHealth.reset();
    for (const state of this.registry.all()) this.gauge(state);
  }

  private gauge(state: TargetState): void {
    this.metrics.upstreamTargetHealth.set(
      { upstream: state.upstream, target: state.target },
      state.usable ? 1 : 0,
    );
  }

  stop(): void {
    this.prober?.stop();
    this.resolver?.stop();
  }
}
