// The balancing algorithms (Kong's upstream `algorithm`) over a target list. Every pick skips
// targets of weight 0, unhealthy ones, and those excluded (already tried for this request).
import type { UpstreamAlgorithm } from "@gatehouse/config";
import { HashRing } from "./ring.js";
import type { TargetState } from "./health.js";

export interface BalancedTarget {
  readonly id: string;
  readonly weight: number;
  readonly state: TargetState;
}

export interface Picker<T extends BalancedTarget> {
  /** `key`: the request's hash input (consistent-hashing), undefined = none */
  pick(exclude: ReadonlySet<T> | undefined, key: string | undefined): T | undefined;
}

const usable = <T extends BalancedTarget>(t: T, exclude: ReadonlySet<T> | undefined): boolean =>
  t.weight > 0 && t.state.usable && !(exclude?.has(t) ?? false);

/**
 * Smooth weighted round-robin, nginx's algorithm (ngx_http_upstream_get_peer): every pick adds
 * each eligible peer's weight to its `current`, takes the peer with the highest `current` and
 * subtracts the total from it. Weights 5,1,1 give a a b a c a a: spread out, not bursts.
 */
export class RoundRobin<T extends BalancedTarget> implements Picker<T> {
  private readonly current: number[];
  constructor(private readonly targets: readonly T[]) {
    this.current = targets.map(() => 0);
  }
  pick(exclude: ReadonlySet<T> | undefined): T | undefined {
    let best = -1;
    let total = 0;
    for (let i = 0; i < this.targets.length; i++) {
      const t = this.targets[i] as T;
      if (!usable(t, exclude)) continue;
      const current = (this.current[i] as number) + t.weight;
      this.current[i] = current;
      total += t.weight;
      if (best === -1 || current > (this.current[best] as number)) best = i;
    }
    if (best === -1) return undefined;
    this.current[best] = (this.current[best] as number) - total;
    return this.targets[best];
  }
}

/** The target with the lowest score; ties go round-robin (so equal targets share the load). */
class LowestScore<T extends BalancedTarget> implements Picker<T> {
  private next = 0;
  constructor(
    private readonly targets: readonly T[],
    private readonly score: (t: T) => number,
  ) {}
  pick(exclude: ReadonlySet<T> | undefined): T | undefined {
    const n = this.targets.length;
    let best: T | undefined;
    let bestScore = Infinity;
    const start = this.next;
    for (let k = 0; k < n; k++) {
      const t = this.targets[(start + k) % n] as T;
      if (!usable(t, exclude)) continue;
      const s = this.score(t);
      if (s < bestScore) {
        best = t;
        bestScore = s;
      }
    }
    this.next = (start + 1) % Math.max(n, 1);
    return best;
  }
}

/** Kong's least-connections: fewest requests in flight per unit of weight. */
export const leastConnections = <T extends BalancedTarget>(targets: readonly T[]) =>
  new LowestScore(targets, (t) => (t.state.active + 1) / t.weight);

/** Kong's latency: the lowest EWMA of response times (unmeasured targets first), by load. */
export const lowestLatency = <T extends BalancedTarget>(targets: readonly T[]) =>
  new LowestScore(targets, (t) => (t.state.ewma * (t.state.active + 1)) / t.weight);

/** consistent-hashing: the ring owner of the key; without a key, round-robin. */
export class ConsistentHashing<T extends BalancedTarget> implements Picker<T> {
  private readonly ring: HashRing<T>;
  private readonly fallback: RoundRobin<T>;
  constructor(targets: readonly T[], slots: number) {
    this.ring = new HashRing(targets, slots);
    this.fallback = new RoundRobin(targets);
  }
  pick(exclude: ReadonlySet<T> | undefined, key: string | undefined): T | undefined {
    if (key === undefined) return this.fallback.pick(exclude);
    return this.ring.lookup(key, (t) => usable(t, exclude));
  }
}

export function createPicker<T extends BalancedTarget>(
  algorithm: UpstreamAlgorithm,
  targets: readonly T[],
  slots: number,
): Picker<T> {
  switch (algorithm) {
    case "round-robin":
      return new RoundRobin(targets);
    case "least-connections":
      return leastConnections(targets);
    case "latency":
      return lowestLatency(targets);
    case "consistent-hashing":
      return new ConsistentHashing(targets, slots);
  }
}
