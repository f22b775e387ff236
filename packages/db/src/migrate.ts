// Applies the hand-written migrations in prisma/migrations, offline, the way `prisma migrate deploy`
// does: same advisory lock, same `_prisma_migrations` table and rows. A user with a working Prisma
// CLI can run `prisma migrate deploy` against the same database at any time and it agrees.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** Prisma's advisory lock key (schema engine: `pg_advisory_lock(72707369)`). */
export const PRISMA_ADVISORY_LOCK_KEY = 72707369;

/** The minimum server version: the Plugin scope index uses `NULLS NOT DISTINCT`. */
export const MIN_SERVER_VERSION_NUM = 150000;

/** `prisma/migrations` of this repository (same path from src/ and dist/). */
export const DEFAULT_MIGRATIONS_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../../prisma/migrations",
);

// Exactly the DDL Prisma's schema engine uses for PostgreSQL.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes (Prisma's checksum). */
  checksum: string;
}

export interface MigrateOptions {
  /** Directory holding `<name>/migration.sql` folders. Default: the repository's prisma/migrations. */
  migrationsDir?: string;
  /** Progress messages (one per applied migration). Default: silent. */
  log?: (message: string) => void;
}

export interface MigrateResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call. */
  alreadyApplied: string[];
}

/** Why migrate() refused to run; `migration` names the offending migration. */
export class MigrationError extends Error {
  readonly migration: string | undefined;
  constructor(message: string, migration?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
    this.migration = migration;
  }
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export function checksumOf(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Reads the migration folders in name (= timestamp) order. */
export async function readMigrations(
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(`migrations directory ${migrationsDir} cannot be read`, undefined, {
      cause: error,
    });
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(migrationsDir, name, "migration.sql"));
    } catch (error) {
      throw new MigrationError(`migration ${name}: migration.sql is missing`, name, {
        cause: error,
      });
    }
    files.push({ name, sql: bytes.toString("utf8"), checksum: checksumOf(bytes) });
  }
  return files;
}

/**
 * Applies every pending migration in order, each in its own transaction, under Prisma's advisory
 * lock, recording the same `_prisma_migrations` rows as `prisma migrate deploy`. Idempotent and safe
 * to run concurrently (a second runner waits for the lock, then finds nothing to do).
 *
 * Refuses (MigrationError) when an applied migration's file has changed since, or when a previous
 * attempt failed and was not resolved.
 */
export async function migrate(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const files = await readMigrations(options.migrationsDir);
  const log = options.log ?? (() => undefined);
  const client = new pg.Client({ connectionString: databaseUrl });
  // An idle-connection error (server shutting down) must not crash the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await checkServerVersion(client);
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK_KEY]);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const { rows } = await client.query<AppliedRow>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
           FROM "_prisma_migrations" ORDER BY started_at ASC`,
      );
      const live = rows.filter((row) => row.rolled_back_at === null);
      const failed = live.find((row) => row.finished_at === null);
      if (failed) {
        throw new MigrationError(
          `migration ${failed.migration_name} failed previously and was not resolved` +
            (failed.logs ? ` (${firstLine(failed.logs)})` : "") +
            `; fix the database, then mark it with \`prisma migrate resolve --rolled-back ${failed.migration_name}\`` +
            ` or delete its row from "_prisma_migrations"`,
          failed.migration_name,
        );
      }
      const appliedByName = new Map(live.map((row) => [row.migration_name, row]));
      const result: MigrateResult = { applied: [], alreadyApplied: [] };
      for (const file of files) {
        const row = appliedByName.get(file.name);
        if (row) {
          if (row.checksum !== file.checksum) {
            throw new MigrationError(
              `migration ${file.name} was modified after it was applied ` +
                `(checksum in database ${row.checksum}, file ${file.checksum}); ` +
                `never edit an applied migration, add a new one instead`,
              file.name,
            );
          }
          result.alreadyApplied.push(file.name);
          continue;
        }
        await applyOne(client, file);
        log(`applied migration ${file.name}`);
        result.applied.push(file.name);
      }
      return result;
    } finally {
      await client
        .query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK_KEY])
        .catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = randomUUID();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(
      `UPDATE "_prisma_migrations"
          SET finished_at = clock_timestamp(), applied_steps_count = applied_steps_count + 1
        WHERE id = $1`,
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    // Record the failure as Prisma does (finished_at NULL, logs set): later runs refuse until resolved.
    await client
      .query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, now(), 0)`,
        [id, file.checksum, file.name, message],
      )
      .catch(() => undefined);
    throw new MigrationError(`migration ${file.name} failed: ${message}`, file.name, {
      cause: error,
    });
  }
}

async function checkServerVersion(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ num: string; text: string }>(
    "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
  );
  const row = rows[0];
  if (row && Number(row.num) < MIN_SERVER_VERSION_NUM) {
    throw new MigrationError(
      `PostgreSQL 15 or newer is required (the server is ${row.text}): ` +
        `the plugin scope index uses NULLS NOT DISTINCT`,
    );
  }
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}
