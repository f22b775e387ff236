#!/usr/bin/env node
// `npm run admin -- reset-password <username>`: sets a new generated password for an admin user
// (printed once), ends their sessions and records it in the audit log. For when the first admin's
// printed password is lost: no database editing needed.
//
// The database: DATABASE_URL when set, else the embedded PostgreSQL of `npm start` in
// GATEHOUSE_DATA_DIR (default .data): the running one, or started for the command and stopped after.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { root } from "./lib/stack.mjs";

const USAGE = "usage: npm run admin -- reset-password <username>";

/** The embedded server `npm start` runs, if it is up: its URL from postmaster.pid and the password file. */
function runningEmbeddedUrl(dataDir) {
  const pidFile = join(dataDir, "postgres", "pgdata", "postmaster.pid");
  const passwordFile = join(dataDir, "postgres", "password");
  if (!existsSync(pidFile) || !existsSync(passwordFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return null; // a stale pid file: the server is not running
  }
  const password = readFileSync(passwordFile, "utf8").trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/gatehouse`;
}

async function withDatabase(fn) {
  if (process.env.DATABASE_URL) return fn(process.env.DATABASE_URL);
  const dataDir = resolve(root, process.env.GATEHOUSE_DATA_DIR || ".data");
  const running = runningEmbeddedUrl(dataDir);
  if (running) return fn(running);
  if (!existsSync(join(dataDir, "postgres"))) {
    throw new Error(
      `no database: DATABASE_URL is not set and there is no embedded PostgreSQL in ${dataDir} (run npm start once)`,
    );
  }
  const { startEmbeddedPostgres } = await import("@gatehouse/db/embedded");
  const embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres") });
  try {
    return await fn(embedded.url);
  } finally {
    await embedded.stop();
  }
}

async function resetPassword(username) {
  const { createPrismaClient } = await import("@gatehouse/db/client");
  const { generatePassword, hashPassword } = await import("@gatehouse/db/auth");
  return withDatabase(async (url) => {
    const prisma = createPrismaClient(url);
    try {
      const user = await prisma.adminUser.findFirst({ where: { username } });
      if (!user) {
        const known = await prisma.adminUser.findMany({ select: { username: true } });
        throw new Error(
          `no admin user "${username}" (users: ${known.map((u) => u.username).join(", ") || "none"})`,
        );
      }
      const password = generatePassword(20);
      const passwordHash = await hashPassword(password);
      await prisma.$transaction([
        prisma.adminUser.update({
          where: { id: user.id },
          data: { passwordHash, disabled: false, version: { increment: 1 } },
        }),
        prisma.session.deleteMany({ where: { userId: user.id } }),
        prisma.auditLog.create({
          data: {
            actor: "cli",
            action: "reset-password",
            entityType: "admin_user",
            entityId: user.id,
          },
        }),
      ]);
      return password;
    } finally {
      await prisma.$disconnect();
    }
  });
}

const [command, username, ...rest] = process.argv.slice(2);
if (command !== "reset-password" || !username || rest.length > 0) {
  console.error(USAGE);
  process.exit(2);
}
try {
  const password = await resetPassword(username);
  console.log(`New password for ${username} (shown once, store it now):\n\n  ${password}\n`);
  console.log("Their sessions were ended; the account is enabled.");
} catch (err) {
  console.error(`reset-password: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
