// The seed commits its version the way every change does (versions.ts): under the same change
// lock. A seed that starts while a change is being committed waits for it and then finds the
// database no longer empty, instead of writing a demo version beside it (it had its own lock).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { seedDemo } from "../src/seed.js";
import { commitVersion, lockChanges } from "../src/versions.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => h?.close());

test("a seed racing a change waits for the change lock and leaves the database alone", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const change = h.prisma.$transaction(
    async (tx) => {
      await lockChanges(tx);
      await tx.service.create({ data: { name: "first", host: "first.test" } });
      locked();
      await held;
      return commitVersion(tx, { author: "alice", message: "first change" });
    },
    { timeout: 30_000 },
  );
  await lockTaken;
  const seed = seedDemo(h.prisma, { echoUrl: "http://127.0.0.1:9999" });
  let done = false;
  const settled = seed.finally(() => (done = true));
  // PostgreSQL shows the seed queued behind the change's advisory lock (no event to await: poll)
  const queued = async (): Promise<string> => {
    while (!done) {
      const [row] = await h.prisma.$queryRaw<{ n: bigint }[]>`
        SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`;
      if ((row?.n ?? 0n) > 0n) return "queued behind the change";
      await delay(20);
    }
    return "finished without waiting";
  };
  assert.equal(
    await Promise.race([queued(), settled.then(() => "finished without waiting")]),
    "queued behind the change",
  );
  release();
  const committed = await change;
  assert.deepEqual(await seed, { created: false });
  const versions = await h.prisma.configVersion.findMany();
  assert.deepEqual(
    versions.map((v) => [v.version, v.author, v.hash]),
    [[committed.version, "alice", committed.hash]],
  );
  assert.equal(await h.prisma.adminUser.count(), 0);
});
