// A change that wrote Route rows only commits from the rows of the previous version patched with
// those routes (ExportCache) instead of reading every table again: the committed snapshot and
// hash must be exactly the ones a full export gives, and a version committed elsewhere (another
// replica, the seed, a change without the cache) must never be lost.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { hashConfig } from "@gatehouse/config";
import { exportDeclarative } from "../src/export.js";
import { commitVersion, ExportCache, lockChanges } from "../src/versions.js";
import type { CommitVersionOptions } from "../src/versions.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => h?.close());

type Tx = Parameters<Parameters<Harness["prisma"]["$transaction"]>[0]>[0];

/** One change: `work` in a transaction under the change lock, then its version (remembered). */
async function change(
  cache: ExportCache,
  work: (tx: Tx) => Promise<CommitVersionOptions["changed"]>,
) {
  const committed = await h.prisma.$transaction(
    async (tx) => {
      await lockChanges(tx);
      const changed = await work(tx);
      return commitVersion(tx, { author: "test", message: "change", changed, cache });
    },
    { timeout: 60_000 },
  );
  cache.remember(committed);
  return committed;
}

/** The committed version matches what a full export of the database gives now. */
async function assertSameAsFullExport(committed: { hash: string; snapshot: unknown }) {
  const full = await exportDeclarative(h.prisma);
  assert.deepEqual(committed.snapshot, full);
  assert.equal(committed.hash, hashConfig(full));
  const row = await h.prisma.configVersion.findFirstOrThrow({ orderBy: { version: "desc" } });
  assert.equal(row.hash, committed.hash);
  assert.deepEqual(row.snapshot, JSON.parse(JSON.stringify(full)));
}

test("route changes committed from the cached rows equal a full export, deletes included", async () => {
  const cache = new ExportCache();
  const service = await h.prisma.service.create({ data: { name: "svc", host: "svc.test" } });
  const first = await change(cache, async (tx) => {
    await tx.route.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({
        name: `r${i}`,
        serviceId: service.id,
        paths: [`/r${i}`],
      })),
    });
    return undefined; // a bulk write: everything is read
  });
  await assertSameAsFullExport(first);

  // an update, a create and a delete of routes, each from the cache
  const r7 = await h.prisma.route.findUniqueOrThrow({ where: { name: "r7" } });
  const updated = await change(cache, async (tx) => {
    await tx.route.update({ where: { id: r7.id }, data: { tags: ["changed"], name: "a-first" } });
    return { routeIds: [r7.id], deleted: false };
  });
  await assertSameAsFullExport(updated);
  assert.ok(JSON.stringify(updated.snapshot).includes('"changed"'));

  const created = await change(cache, async (tx) => {
    const row = await tx.route.create({ data: { name: "new", paths: ["/new"] } });
    return { routeIds: [row.id], deleted: false };
  });
  await assertSameAsFullExport(created);

  // a route with a plugin, then the route deleted: the plugin goes with it
  const r3 = await h.prisma.route.findUniqueOrThrow({ where: { name: "r3" } });
  await change(cache, async (tx) => {
    await tx.plugin.create({ data: { name: "cors", routeId: r3.id, config: {} } });
    return undefined;
  });
  const deleted = await change(cache, async (tx) => {
    await tx.route.delete({ where: { id: r3.id } });
    return { routeIds: [r3.id], deleted: true };
  });
  await assertSameAsFullExport(deleted);
  assert.ok(!JSON.stringify(deleted.snapshot).includes('"cors"'));
});

test("a version committed elsewhere since the cached one is never lost", async () => {
  const cache = new ExportCache();
  const mine = await change(cache, async (tx) => {
    await tx.route.create({ data: { name: "mine", paths: ["/mine"] } });
    return undefined;
  });
  await assertSameAsFullExport(mine);
  // another replica (its own cache) adds a service and a route
  const other = await change(new ExportCache(), async (tx) => {
    await tx.service.create({ data: { name: "elsewhere", host: "elsewhere.test" } });
    await tx.route.create({ data: { name: "theirs", paths: ["/theirs"] } });
    return undefined;
  });
  assert.ok(other.version > mine.version);
  // this process's next route change must start from the database, not from its cache
  const r = await h.prisma.route.findUniqueOrThrow({ where: { name: "mine" } });
  const next = await change(cache, async (tx) => {
    await tx.route.update({ where: { id: r.id }, data: { tags: ["again"] } });
    return { routeIds: [r.id], deleted: false };
  });
  await assertSameAsFullExport(next);
  const text = JSON.stringify(next.snapshot);
  assert.ok(text.includes('"elsewhere"') && text.includes('"theirs"') && text.includes('"again"'));
});

test("a change that rolls back leaves the cache on the committed version", async () => {
  const cache = new ExportCache();
  const base = await change(cache, async (tx) => {
    await tx.route.create({ data: { name: "kept", paths: ["/kept"] } });
    return undefined;
  });
  const r = await h.prisma.route.findUniqueOrThrow({ where: { name: "kept" } });
  await assert.rejects(
    h.prisma.$transaction(
      async (tx) => {
        await lockChanges(tx);
        await tx.route.update({ where: { id: r.id }, data: { tags: ["lost"] } });
        await commitVersion(tx, {
          author: "test",
          message: "rolled back",
          changed: { routeIds: [r.id], deleted: false },
          cache,
        });
        throw new Error("rollback");
      },
      { timeout: 60_000 },
    ),
    /rollback/,
  );
  const next = await change(cache, async (tx) => {
    await tx.route.update({ where: { id: r.id }, data: { methods: ["GET"] } });
    return { routeIds: [r.id], deleted: false };
  });
  assert.ok(next.version > base.version);
  await assertSameAsFullExport(next);
  assert.ok(!JSON.stringify(next.snapshot).includes('"lost"'));
});
