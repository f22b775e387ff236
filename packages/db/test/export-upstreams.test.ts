// Issue 9 + 12: a service's targets never serve another service. Since issue 12 targets belong to
// upstreams; migration 20251230120000_upstreams moves every service's targets, ids kept, into an
// upstream of its own, named as the admin exported it before, so the export keeps its shape.
import assert from "node:assert/strict";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import { createPrismaClient } from "../src/client.js";
import type { PrismaClient } from "../src/client.js";
import { exportDeclarative, ownUpstreamName } from "../src/export.js";
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from "../src/migrate.js";
import { createTestDatabase } from "../src/testing.js";
import type { TestDatabase } from "../src/testing.js";

let db: TestDatabase;
let prisma: PrismaClient;
let scratch: string;

const services: [string, string, number, [string, number][]][] = [
  ["svc-a", "127.0.0.1", 8102, []],
  ["svc-b", "127.0.0.1", 8199, [["127.0.0.1:8199", 100]]],
  ["svc-c", "127.0.0.1", 8300, [["127.0.0.1:8300", 5]]],
  // a service whose own host is what svc-d's upstream would be called, and a name no hostname has
  ["decoy", "svc-d.upstream", 80, []],
  ["svc-d", "d.internal", 80, [["10.0.0.4:80", 100]]],
  ["odd~name", "odd.internal", 80, [["10.0.0.5", 100]]],
];

before(async () => {
  db = await createTestDatabase({ migrate: false });
  // the database as it was before upstreams were entities: targets per service
  scratch = await mkdtemp(join(tmpdir(), "gh-upstreams-"));
  const older = join(scratch, "migrations");
  await cp(DEFAULT_MIGRATIONS_DIR, older, { recursive: true });
  for (const m of await readMigrations(older)) {
    if (m.name >= "20251230120000_upstreams") await rm(join(older, m.name), { recursive: true });
  }
  await migrate(db.url, { migrationsDir: older });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  for (const [name, host, port, targets] of services) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Service" (id, name, host, port, "updatedAt")
       VALUES (gen_random_uuid()::text, $1, $2, $3, now()) RETURNING id`,
      [name, host, port],
    );
    for (const [target, weight] of targets) {
      await client.query(
        `INSERT INTO "Target" (id, "serviceId", target, weight, tags, "updatedAt")
         VALUES ($1, $2, $3, $4, ARRAY['t1'], now())`,
        [`target-${target}`, rows[0]?.id, target, weight],
      );
    }
  }
  await client.end();
  await migrate(db.url);
  prisma = createPrismaClient(db.url, { maxConnections: 2 });
});
after(async () => {
  await prisma?.$disconnect();
  await db?.drop();
  await rm(scratch, { recursive: true, force: true });
});

test("the migration moves each service's targets into its own upstream, nothing lost", async () => {
  const upstreams = await prisma.upstream.findMany({ include: { targets: true, service: true } });
  assert.equal(upstreams.length, 4);
  for (const u of upstreams) {
    const [, host, , targets] = services.find(([name]) => name === u.service?.name) ?? [];
    assert.ok(targets, `${u.name} belongs to a service with targets`);
    assert.equal(u.service?.host, host, "the service keeps its host");
    assert.deepEqual(
      u.targets.map((t) => [t.id, t.target, t.weight, t.tags]),
      targets.map(([target, weight]) => [`target-${target}`, target, weight, ["t1"]]),
    );
    assert.equal(u.algorithm, "round-robin");
  }
});

test("two services on one host with different ports: the targets of one are not the other's", async () => {
  const doc = await exportDeclarative(prisma);
  const host = (name: string) => doc.services.find((s) => s.name === name)?.host;
  assert.equal(host("svc-a"), "127.0.0.1", "a service without targets keeps its host");
  assert.equal(host("svc-b"), "svc-b.upstream");
  assert.equal(host("svc-c"), "svc-c.upstream");
  const upstream = (name: string | undefined) => doc.upstreams.find((u) => u.name === name);
  assert.equal(upstream("127.0.0.1"), undefined, "no upstream is named after the shared host");
  assert.deepEqual(
    upstream(host("svc-b"))?.targets.map((t) => t.target),
    ["127.0.0.1:8199"],
  );
  assert.deepEqual(
    upstream(host("svc-c"))?.targets.map((t) => [t.target, t.weight]),
    [["127.0.0.1:8300", 5]],
  );
  assert.equal(upstream(host("svc-b"))?.host_header, "127.0.0.1");
});

test("an upstream name never equals another service's host, and is a hostname", async () => {
  const doc = await exportDeclarative(prisma);
  const hosts = new Map(doc.services.map((s) => [s.name, s.host]));
  assert.equal(hosts.get("decoy"), "svc-d.upstream");
  assert.match(hosts.get("svc-d") ?? "", /^service-[0-9a-f]{16}\.upstream$/);
  assert.match(hosts.get("odd~name") ?? "", /^service-[0-9a-f]{16}\.upstream$/);
  const names = doc.upstreams.map((u) => u.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(doc.upstreams.map((u) => u.host_header).sort(), [
    "127.0.0.1",
    "127.0.0.1",
    "d.internal",
    "odd.internal",
  ]);
});

test("a new own upstream is named after its service, never a taken name", () => {
  const taken = new Set(["svc-d.upstream", "127.0.0.1"]);
  assert.equal(ownUpstreamName({ id: "1", name: "svc-b" }, taken), "svc-b.upstream");
  assert.equal(ownUpstreamName({ id: "1", name: "svc-d" }, taken), "svc-d-2.upstream");
  assert.match(ownUpstreamName({ id: "1", name: "odd~name" }, taken), /^service-[0-9a-f]{16}\./);
});
