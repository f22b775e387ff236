// The consistent-hashing ring: each target owns points on a 32-bit circle in proportion to its
// weight (`slots` / 62.5 points per unit of weight: 160 for weight 100 with Kong's default 10000
// slots); a key belongs to the first point clockwise of its hash. A target's points depend only
// on its own id and weight, so adding or removing one target of N moves only the keys it gains or
// loses: about 1/N of them.

/** total points above which every target's count is scaled down (huge weights) */
const MAX_POINTS = 1 << 20;

/** FNV-1a, 32 bits, then a murmur3 finalizer (FNV alone clusters on short similar keys). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class HashRing<T extends { readonly id: string; readonly weight: number }> {
  private readonly points: Uint32Array;
  private readonly owners: T[];

  constructor(targets: readonly T[], slots: number) {
    const live = targets.filter((t) => t.weight > 0);
    const density = slots / 6250;
    const wanted = live.reduce((sum, t) => sum + t.weight * density, 0);
    const scale = wanted > MAX_POINTS ? MAX_POINTS / wanted : 1;
    const entries: [number, T][] = [];
    for (const t of live) {
      const n = Math.max(1, Math.round(t.weight * density * scale));
      for (let i = 0; i < n; i++) entries.push([hash32(`${t.id}#${i}`), t]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    this.points = Uint32Array.from(entries.map((e) => e[0]));
    this.owners = entries.map((e) => e[1]);
  }

  /** The owner of `key`, walking clockwise past owners `usable` refuses; undefined if none. */
  lookup(key: string, usable: (t: T) => boolean): T | undefined {
    const n = this.points.length;
    if (n === 0) return undefined;
    const h = hash32(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.points[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<T>();
    for (let i = 0; i < n; i++) {
      const owner = this.owners[(lo + i) % n] as T;
      if (seen.has(owner)) continue;
      if (usable(owner)) return owner;
      seen.add(owner);
    }
    return undefined;
  }
}
