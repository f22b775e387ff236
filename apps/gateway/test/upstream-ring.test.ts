// Issue 12: consistent hashing moves about 1/N of the keys when one target of N is added or
// removed, and only keys of that target move.
import assert from "node:assert/strict";
import { test } from "node:test";
import { HashRing } from "../src/proxy/balancer/ring.js";

const target = (id: string, weight = 100) => ({ id, weight });
const KEYS = Array.from({ length: 20_000 }, (_, i) => `key-${i}`);

function owners(ring: HashRing<{ id: string; weight: number }>): string[] {
  return KEYS.map((k) => ring.lookup(k, () => true)?.id ?? "");
}

for (const n of [3, 5, 10]) {
  test(`${n} targets: removing one moves only its keys, about 1/${n}`, () => {
    const all = Array.from({ length: n }, (_, i) => target(`10.0.0.${i}:80`));
    const before = owners(new HashRing(all, 10000));
    const removed = all[n - 1]!.id;
    const after = owners(new HashRing(all.slice(0, -1), 10000));
    let moved = 0;
    before.forEach((owner, i) => {
      if (owner === after[i]) return;
      moved++;
      assert.equal(owner, removed, `${KEYS[i]} moved though its target stayed`);
    });
    const share = moved / KEYS.length;
    assert.ok(share > 0.5 / n && share < 1.6 / n, `moved ${share}, expected ~${1 / n}`);
  });

  test(`${n} targets: adding one moves only keys to it, about 1/${n + 1}`, () => {
    const all = Array.from({ length: n }, (_, i) => target(`10.0.0.${i}:80`));
    const added = target("10.0.1.1:80");
    const before = owners(new HashRing(all, 10000));
    const after = owners(new HashRing([...all, added], 10000));
    let moved = 0;
    before.forEach((owner, i) => {
      if (owner === after[i]) return;
      moved++;
      assert.equal(after[i], added.id, `${KEYS[i]} moved to an old target`);
    });
    const share = moved / KEYS.length;
    assert.ok(share > 0.5 / (n + 1) && share < 1.6 / (n + 1), `moved ${share}`);
  });
}

test("the ring follows the weights, skips refused owners and weight 0", () => {
  const ring = new HashRing([target("a", 300), target("b", 100), target("c", 0)], 10000);
  const counts = new Map<string, number>();
  for (const k of KEYS) {
    const id = ring.lookup(k, () => true)?.id ?? "";
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  assert.equal(counts.get("c"), undefined);
  const share = (counts.get("a") ?? 0) / KEYS.length;
  assert.ok(share > 0.65 && share < 0.85, `a got ${share}`);
  assert.equal(
    ring.lookup("x", (t) => t.id !== "a" && t.id !== "b"),
    undefined,
  );
  for (const k of KEYS.slice(0, 100)) assert.equal(ring.lookup(k, (t) => t.id !== "a")?.id, "b");
});
