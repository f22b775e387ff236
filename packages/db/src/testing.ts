// Throwaway, migrated databases for integration tests.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "./embedded.js";
import { migrate } from "./migrate.js";

export interface TestDatabase {
  /** Connection URL of a fresh database with every migration applied. */
  url: string;
  /** Drops the database (DATABASE_URL) or stops and deletes the embedded server. Idempotent. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** Apply the migrations (default true). */
  migrate?: boolean;
  /** Server to create the database on. Default: process.env.DATABASE_URL; embedded when unset. */
  serverUrl?: string;
}

/**
 * With DATABASE_URL set: a fresh, uniquely named database on that server (`gh_test_<random>`).
 * Without: an embedded PostgreSQL in a temporary directory. Either way migrated, unless told not to.
 */
export async function createTestDatabase(
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.DATABASE_URL;
  const shouldMigrate = options.migrate ?? true;
  if (serverUrl) {
    const name = `gh_test_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    const url = withDatabase(serverUrl, name);
    let dropped: Promise<void> | undefined;
    const drop = () =>
      (dropped ??= adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    try {
      if (shouldMigrate) await migrate(url);
    } catch (error) {
      await drop();
      throw error;
    }
    return { url, drop };
  }

  const dataDir = await mkdtemp(join(tmpdir(), "gatehouse-pg-"));
  const server = await startEmbeddedPostgres({
    dataDir,
    database: "gatehouse_test",
    ephemeral: true,
  }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= (async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    })());
  try {
    if (shouldMigrate) await migrate(server.url);
  } catch (error) {
    await drop();
    throw error;
  }
  return { url: server.url, drop };
}

/** `url` with its database name replaced. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
