// Two control-plane replicas (two Distributors on one database) pushing at once never move a
// data plane backwards: versions come from the database and the data plane answers 409 to
// anything not newer than what it runs, which the distributors record as what it runs.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { createPrismaClient } from "@gatehouse/db/client";
import type { PrismaClient } from "@gatehouse/db/client";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";
import { Distributor } from "../src/server/distribution/distributor";
import type { PushEvent } from "../src/server/distribution/distributor";
import type { DataPlane } from "./helpers/cluster.js";
import { commitRoute, startDataPlane, waitFor } from "./helpers/cluster.js";

const token = `cluster-${randomBytes(16).toString("hex")}`;
const quiet = { info() {}, warn() {}, error() {} };
let db: TestDatabase;
let prisma: PrismaClient;
let dp: DataPlane;
const distributors: Distributor[] = [];

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  // a real data plane; its registration target does not exist (the row is written below)
  dp = await startDataPlane(
    { url: "http://127.0.0.1:1", clusterToken: token },
    { waitReady: false },
  );
  await prisma.dataPlane.create({
    data: { id: dp.id, controlAddress: dp.controlUrl, plugins: [] },
  });
});
after(async () => {
  await Promise.all(distributors.map((d) => d.stop()));
  await dp?.stop();
  await prisma?.$disconnect();
  await db?.drop();
});

const commit = (n: number): Promise<number> => commitRoute(prisma, n);

test("two distributors pushing at once: the data plane only moves forward and ends at the newest", async () => {
  const events: PushEvent[] = [];
  for (let i = 0; i < 2; i++) {
    const d = new Distributor({
      prisma,
      clusterToken: token,
      pollIntervalMs: 60_000,
      coalesceMs: 0,
      retryInitialMs: 50,
      log: quiet,
    });
    d.onPush((e) => events.push(e));
    distributors.push(d);
    await d.sync();
  }
  const [fast, slow] = distributors as [Distributor, Distributor];

  const seen: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const v = (await dp.status()).version;
      if (v !== null && seen.at(-1) !== v) seen.push(v);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();

  // the slow replica learns of each version two commits late: it keeps pushing older versions
  const versions: number[] = [];
  for (let i = 1; i <= 20; i++) {
    versions.push(await commit(i));
    fast.notify(versions.at(-1) as number);
    const stale = versions.at(-3);
    if (stale !== undefined) slow.notify(stale);
    await new Promise((r) => setTimeout(r, 15));
  }
  const newest = versions.at(-1) as number;
  slow.notify(newest);
  await waitFor("the newest version on the data plane", async () => {
    return (await dp.status()).version === newest;
  });
  await waitFor("both replicas done", async () => {
    const row = await prisma.dataPlane.findUniqueOrThrow({ where: { id: dp.id } });
    return row.appliedVersion === newest && row.status === "in_sync";
  });
  sampling = false;
  await sampler;

  for (let i = 1; i < seen.length; i++) {
    assert.ok((seen[i] as number) > (seen[i - 1] as number), `went backwards: ${seen.join(", ")}`);
  }
  assert.equal(seen.at(-1), newest);
  assert.ok(
    events.some((e) => e.outcome === "conflict"),
    `the replicas raced (a 409 was recorded): ${JSON.stringify(events.map((e) => e.outcome))}`,
  );
  assert.ok(!events.some((e) => e.outcome === "rejected" || e.outcome === "unreachable"));
});
