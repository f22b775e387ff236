import type { Counter, HitResult } from "./windows.js";

/** Upper bound of counters kept in memory; above it the oldest windows are dropped first. */
export const MAX_LOCAL_COUNTERS = 100_000;

interface Slot {
  count: number;
  expires: number;
}

/** Fixed-window counters of this data plane (policy local). Expired windows are swept; size is bounded. */
export class LocalCounters {
  private readonly slots = new Map<string, Slot>();
  private nextSweep = 0;

  constructor(private readonly max = MAX_LOCAL_COUNTERS) {}

  get size(): number {
    return this.slots.size;
  }

  hit(counters: readonly Counter[], now: number): HitResult {
    if (now >= this.nextSweep) this.sweep(now);
    const n = counters.length;
    const usage: number[] = new Array<number>(n);
    const live: (Slot | undefined)[] = new Array<Slot | undefined>(n);
    let stop = -1;
    for (let i = 0; i < n; i++) {
      const c = counters[i] as Counter;
      const s = this.slots.get(c.key);
      const alive = s !== undefined && s.expires > now;
      live[i] = alive ? s : undefined;
      const used = alive ? s.count : 0;
      usage[i] = used;
      if (used >= c.limit) stop = i;
    }
    if (stop >= 0) return { usage, stop };
    for (let i = 0; i < n; i++) {
      const c = counters[i] as Counter;
      const s = live[i];
      if (s !== undefined) s.count++;
      else {
        this.slots.delete(c.key); // re-insert: Map order stays "oldest window first"
        this.slots.set(c.key, { count: 1, expires: now + c.left });
      }
    }
    while (this.slots.size > this.max) {
      const oldest = this.slots.keys().next();
      if (oldest.done === true) break;
      this.slots.delete(oldest.value);
    }
    return { usage, stop };
  }

  /** Drops every expired window (at most once a second). */
  sweep(now: number): void {
    this.nextSweep = now + 1000;
    for (const [k, s] of this.slots) if (s.expires <= now) this.slots.delete(k);
  }

  clear(): void {
    this.slots.clear();
  }
}
