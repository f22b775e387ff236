import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { uniqueViolationFields } from "../src/client.js";
import { exerciseCrud, openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h.close();
});

const user = (username: string) =>
  h.prisma.adminUser.create({ data: { username, passwordHash: "$scrypt$x", role: "editor" } });

test("AdminUser: CRUD, version bump, unique username and email", async () => {
  await exerciseCrud(h.prisma.adminUser, {
    create: { username: "root", email: "root@example.test", passwordHash: "$scrypt$x" },
    update: { role: "admin", disabled: true },
    duplicate: { username: "root", passwordHash: "$scrypt$y" },
  });
  await user("mail-1").then((u) =>
    h.prisma.adminUser.update({ where: { id: u.id }, data: { email: "same@example.test" } }),
  );
  await assert.rejects(
    h.prisma.adminUser.create({
      data: { username: "mail-2", email: "same@example.test", passwordHash: "h" },
    }),
    (error: unknown) => {
      assert.deepEqual(uniqueViolationFields(error), ["email"]);
      return true;
    },
  );
});

test("AdminUser: role defaults to viewer", async () => {
  const created = await h.prisma.adminUser.create({ data: { username: "v", passwordHash: "h" } });
  assert.equal(created.role, "viewer");
  assert.equal(created.disabled, false);
});

test("ApiToken: CRUD, version bump, unique token hash, user optional", async () => {
  const owner = await user("token-owner");
  await exerciseCrud(h.prisma.apiToken, {
    create: { name: "ci", tokenHash: "c".repeat(64), prefix: "gh_c", userId: owner.id },
    update: { revokedAt: new Date("2030-01-01T00:00:00Z"), lastUsedAt: new Date() },
    duplicate: { name: "ci-2", tokenHash: "c".repeat(64), prefix: "gh_c" },
  });
  const standalone = await h.prisma.apiToken.create({
    data: { name: "automation", tokenHash: "d".repeat(64), prefix: "gh_d", role: "admin" },
  });
  assert.equal(standalone.userId, null);
});

test("Session: CRUD, version bump, unique token hash, deleted with its user", async () => {
  const owner = await user("session-owner");
  const expiresAt = new Date(Date.now() + 3600_000);
  await exerciseCrud(h.prisma.session, {
    create: { userId: owner.id, tokenHash: "e".repeat(64), expiresAt },
    update: { lastUsedAt: new Date(), ip: "127.0.0.1" },
    duplicate: { userId: owner.id, tokenHash: "e".repeat(64), expiresAt },
  });
  await h.prisma.session.create({
    data: { userId: owner.id, tokenHash: "f".repeat(64), expiresAt },
  });
  await h.prisma.adminUser.delete({ where: { id: owner.id } });
  assert.equal(await h.prisma.session.count({ where: { userId: owner.id } }), 0);
});

test("DataPlane: CRUD by node id, version bump, status and plugin list", async () => {
  await exerciseCrud(h.prisma.dataPlane, {
    create: {
      id: "node-1",
      hostname: "gw-1",
      plugins: [{ name: "key-auth", version: "1.0.0" }],
    },
    update: { status: "in_sync", appliedVersion: 3, appliedHash: "ab", lastSeenAt: new Date() },
    duplicate: { id: "node-1" },
  });
  const fresh = await h.prisma.dataPlane.create({ data: { id: "node-2" } });
  assert.equal(fresh.status, "unknown");
  assert.deepEqual(fresh.plugins, []);
});

test("ConfigVersion: versions come from a sequence, are unique and increase", async () => {
  const make = (author: string) =>
    h.prisma.configVersion.create({ data: { hash: "h", snapshot: { a: 1 }, author } });
  const first = await make("a");
  const concurrent = await Promise.all([make("b"), make("c"), make("d")]);
  const versions = [first, ...concurrent].map((row) => row.version);
  assert.equal(new Set(versions).size, 4);
  for (const row of concurrent) assert.ok(row.version > first.version);
  await assert.rejects(
    h.prisma.configVersion.create({
      data: { version: first.version, hash: "h", snapshot: {}, author: "x" },
    }),
    /Unique constraint/,
  );
  const read = await h.prisma.configVersion.findUnique({ where: { version: first.version } });
  assert.deepEqual(read?.snapshot, { a: 1 });
});

test("AuditLog: records before/after JSON and is found by entity", async () => {
  await h.prisma.auditLog.create({
    data: {
      actor: "admin",
      action: "update",
      entityType: "service",
      entityId: "s-1",
      before: { port: 80 },
      after: { port: 8080 },
      requestId: "req-1",
      ip: "127.0.0.1",
    },
  });
  const rows = await h.prisma.auditLog.findMany({
    where: { entityType: "service", entityId: "s-1" },
  });
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0]?.after, { port: 8080 });
  assert.ok(rows[0]?.at instanceof Date);
});
