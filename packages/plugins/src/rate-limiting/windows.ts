import type { CounterHit, WindowCounter } from "@gatehouse/plugin-kit";
import type { Period } from "./schema.js";

const FIXED: Partial<Record<Period, number>> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The fixed window (UTC, like Kong's timestamps) containing `now`: [start, end) in ms. */
export function windowOf(period: Period, now: number): { start: number; end: number } {
  const size = FIXED[period];
  if (size !== undefined) {
    const start = now - (now % size);
    return { start, end: start + size };
  }
  const d = new Date(now);
  const y = d.getUTCFullYear();
  if (period === "month") {
    const m = d.getUTCMonth();
    return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
  }
  return { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
}

/** One counter to check and increment: its store key, limit and time to live (ms until its window ends). */
export interface Counter extends WindowCounter {
  period: Period;
}

/**
 * Usage of every counter BEFORE this request, and `stop`: the index of a counter whose limit is reached
 * (-1 when none). When stop is -1 every counter was incremented; otherwise none was (a refused request
 * does not use up the other periods' quota, as in Kong).
 */
export type HitResult = CounterHit;
