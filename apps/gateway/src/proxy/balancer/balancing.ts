// What an upstream (Kong's entity) adds to a pool Upstream: its algorithm, hash settings and
// health checks, and the passive checks fed from proxied traffic.
import type { NormalizedHashing, UpstreamAlgorithm } from "@gatehouse/config";
import type { ForwardErrorKind } from "../errors.js";
import type { HealthPolicy, HealthRegistry, TargetState } from "./health.js";

export interface BalancingSpec {
  /** the upstream's name: target health is kept per (name, target) on this data plane */
  name: string;
  algorithm: UpstreamAlgorithm;
  slots: number;
  hashing: NormalizedHashing;
  policy: HealthPolicy;
}

/** Kong's answer when no target may take the request (all unhealthy, or weight 0). */
export const ERR_NO_PEER = "failure to get a peer from the ring-balancer";

export function balancingFingerprint(b: BalancingSpec | undefined): unknown {
  if (b === undefined) return null;
  return [b.name, b.algorithm, b.slots, b.hashing, b.policy.config];
}

/** The passive checks of one upstream: what proxied traffic says about a target. */
export class PassiveHealth {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly policy: HealthPolicy,
  ) {}

  response(state: TargetState, status: number, latencyMs: number): void {
    state.sample(latencyMs);
    const event = this.policy.passiveStatus(status);
    if (event) this.registry.record(state, this.policy, "passive", event);
  }

  failure(state: TargetState, kind: ForwardErrorKind): void {
    switch (kind) {
      case "connect_timeout":
      case "read_timeout":
      case "write_timeout":
        this.registry.record(state, this.policy, "passive", { kind: "timeout" });
        return;
      case "refused":
      case "reset":
      case "protocol":
        this.registry.record(state, this.policy, "passive", { kind: "tcp_failure" });
        return;
      case "unavailable":
      case "cancelled":
      case "denied":
        return;
    }
  }
}
