// Fixed-window counters a plugin may share with the rest of its data plane (DataPlaneOptions.
// nodeCounters): rate-limiting's `local` policy counts in them. A data plane of one process gives
// plugins none (they keep a MemoryCounterStore of their own, no promise per request); under
// --workers the primary owns one MemoryCounterStore and the workers ask it over IPC.

/** One counter to check and increment: its key, limit and time to live (ms until its window ends). */
export interface WindowCounter {
  key: string;
  limit: number;
  left: number;
}

/**
 * Usage of every counter BEFORE this hit, and `stop`: the index of a counter whose limit is reached
 * (-1 when none). When stop is -1 every counter was incremented; otherwise none was.
 */
export interface CounterHit {
  usage: number[];
  stop: number;
}

/** Check-and-increment of several counters at once, atomically with respect to other hits. */
export interface CounterStore {
  hit(counters: readonly WindowCounter[], now: number): CounterHit | Promise<CounterHit>;
}

/** Upper bound of counters kept in memory; above it the oldest windows are dropped first. */
export const MAX_MEMORY_COUNTERS = 100_000;

interface Slot {
  count: number;
  expires: number;
}

/** Fixed-window counters in this process's memory. Expired windows are swept; size is bounded. */
export class MemoryCounterStore implements CounterStore {
  private readonly slots = new Map<string, Slot>();
  private nextSweep = 0;

  constructor(private readonly max = MAX_MEMORY_COUNTERS) {}

  get size(): number {
    return this.slots.size;
  }

  hit(counters: readonly WindowCounter[], now: number): CounterHit {
    if (now >= this.nextSweep) this.sweep(now);
    const n = counters.length;
    const usage: number[] = new Array<number>(n);
    const live: (Slot | undefined)[] = new Array<Slot | undefined>(n);
    let stop = -1;
    for (let i = 0; i < n; i++) {
      const c = counters[i] as WindowCounter;
      const s = this.slots.get(c.key);
      const alive = s !== undefined && s.expires > now;
      live[i] = alive ? s : undefined;
      const used = alive ? s.count : 0;
      usage[i] = used;
      if (used >= c.limit) stop = i;
    }
    if (stop >= 0) return { usage, stop };
    for (let i = 0; i < n; i++) {
      const c = counters[i] as WindowCounter;
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
