/**
 * Smooth weighted round-robin, nginx's algorithm (ngx_http_upstream_get_peer): every pick adds
 * each peer's weight to its `current`, takes the peer with the highest `current` and subtracts
 * the total weight from it. Weights 5,1,1 give a a b a c a a — spread out, not bursts.
 */
export interface WeightedPeer {
  readonly weight: number;
}

export class SmoothWeightedRoundRobin<T extends WeightedPeer> {
  private readonly peers: T[];
  private readonly current: number[];

  constructor(peers: readonly T[]) {
    this.peers = peers.filter((p) => p.weight > 0);
    this.current = this.peers.map(() => 0);
  }

  get size(): number {
    return this.peers.length;
  }

  /** The next peer, skipping `exclude`d ones (e.g. already tried for this request). */
  pick(exclude?: ReadonlySet<T>): T | undefined {
    let best = -1;
    let total = 0;
    for (let i = 0; i < this.peers.length; i++) {
      const peer = this.peers[i] as T;
      if (exclude?.has(peer)) continue;
      const current = (this.current[i] as number) + peer.weight;
      this.current[i] = current;
      total += peer.weight;
      if (best === -1 || current > (this.current[best] as number)) best = i;
    }
    if (best === -1) return undefined;
    this.current[best] = (this.current[best] as number) - total;
    return this.peers[best];
  }
}
