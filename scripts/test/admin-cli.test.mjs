// `npm run admin -- reset-password <user>` (scripts/admin.mjs) against a real database: the lost
// first-admin password is replaced without editing the database by hand.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { root } from "../lib/stack.mjs";

const ADMIN = join(root, "scripts/admin.mjs");

function runCli(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ADMIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

test("reset-password gives the seeded admin a new password (printed once), ends their sessions, audits it", async (t) => {
  const { createTestDatabase } = await import("@gatehouse/db/testing");
  const { createPrismaClient } = await import("@gatehouse/db/client");
  const { seedDemo } = await import("@gatehouse/db/seed");
  const { verifyPassword } = await import("@gatehouse/db/auth");
  const db = await createTestDatabase();
  t.after(() => db.drop());
  const prisma = createPrismaClient(db.url);
  t.after(() => prisma.$disconnect());
  const seeded = await seedDemo(prisma, { echoUrl: "http://127.0.0.1:9" });
  const lost = seeded.admin?.password ?? "";
  assert.ok(lost);
  const admin = await prisma.adminUser.findFirstOrThrow({ where: { username: "admin" } });
  await prisma.session.create({
    data: {
      userId: admin.id,
      tokenHash: "x".repeat(64),
      expiresAt: new Date(Date.now() + 3_600_000),
    },
  });

  const r = await runCli(["reset-password", "admin"], { DATABASE_URL: db.url });
  assert.equal(r.code, 0, r.stderr);
  const printed = /New password for admin \(shown once, store it now\):\n\n {2}(\S+)\n/.exec(
    r.stdout,
  )?.[1];
  assert.ok(printed, r.stdout);
  const after = await prisma.adminUser.findFirstOrThrow({ where: { username: "admin" } });
  assert.equal(await verifyPassword(printed, after.passwordHash), true);
  assert.equal(await verifyPassword(lost, after.passwordHash), false);
  assert.equal(await prisma.session.count({ where: { userId: admin.id } }), 0);
  const audit = await prisma.auditLog.findFirst({
    where: { action: "reset-password", entityId: admin.id },
  });
  assert.equal(audit?.actor, "cli");
});

test("reset-password of an unknown user: exit 1 naming the users there are; no argument: usage, exit 2", async (t) => {
  const { createTestDatabase } = await import("@gatehouse/db/testing");
  const { createPrismaClient } = await import("@gatehouse/db/client");
  const { seedDemo } = await import("@gatehouse/db/seed");
  const db = await createTestDatabase();
  t.after(() => db.drop());
  const prisma = createPrismaClient(db.url);
  t.after(() => prisma.$disconnect());
  await seedDemo(prisma, { echoUrl: "http://127.0.0.1:9" });
  const unknown = await runCli(["reset-password", "nobody"], { DATABASE_URL: db.url });
  assert.equal(unknown.code, 1);
  assert.equal(unknown.stderr.trim(), 'reset-password: no admin user "nobody" (users: admin)');
  const usage = await runCli(["reset-password"], { DATABASE_URL: db.url });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: npm run admin -- reset-password <username>/);
});
