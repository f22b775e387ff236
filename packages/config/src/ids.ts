import { hash } from "node:crypto";

/** A stable, UUID-shaped id derived from a seed (same seed → same id across reloads). */
export function stableId(seed: string): string {
  // one-shot sha256 (no Hash object per id: 100,000 routes without ids take 100,000 of these)
  const h = hash("sha256", seed, "hex");
  const variant = ((parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
