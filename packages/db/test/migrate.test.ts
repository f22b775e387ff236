import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import pg from "pg";
import {
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  checksumOf,
  migrate,
  readMigrations,
} from "../src/migrate.js";
import { createTestDatabase } from "../src/testing.js";
import type { TestDatabase } from "../src/testing.js";

const databases: TestDatabase[] = [];
let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "gh-migrations-"));
});
after(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  await rm(scratch, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  databases.push(db);
  return db;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of the repository's migrations that a test may change. */
async function copyOfMigrations(name: string): Promise<string> {
  const dir = join(scratch, name);
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

test("a fresh database gets every migration and the tables of the schema", async () => {
  const db = await emptyDatabase();
  const files = await readMigrations();
  assert.ok(files.length >= 1);
  const result = await migrate(db.url);
  assert.deepEqual(
    result.applied,
    files.map((file) => file.name),
  );
  assert.deepEqual(result.alreadyApplied, []);
  const tables = await query<{ table_name: string }>(
    db.url,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
  );
  assert.deepEqual(
    tables.map((row) => row.table_name),
    [
      "AclGroup",
      "AdminUser",
      "ApiToken",
      "AuditLog",
      "BasicAuthCredential",
      "CaCertificate",
      "Certificate",
      "ConfigVersion",
      "Consumer",
      "DataPlane",
      "JwtCredential",
      "KeyAuthCredential",
      "LoginThrottle",
      "Plugin",
      "Route",
      "Service",
      "Session",
      "Setting",
      "Sni",
      "Target",
      "Upstream",
      "_prisma_migrations",
    ],
  );
});

test("_prisma_migrations holds exactly the rows Prisma records", async () => {
  const db = await emptyDatabase();
  await migrate(db.url);
  const rows = await query<MigrationRow>(db.url, 'SELECT * FROM "_prisma_migrations"');
  const files = await readMigrations();
  assert.equal(rows.length, files.length);
  for (const [index, file] of files.entries()) {
    const row = rows.find((candidate) => candidate.migration_name === file.name);
    assert.ok(row, `row for ${file.name}`);
    const bytes = await readFile(join(DEFAULT_MIGRATIONS_DIR, file.name, "migration.sql"));
    assert.equal(row.checksum, checksumOf(bytes), `checksum of ${file.name} (#${index})`);
    assert.match(row.id, /^[0-9a-f-]{36}$/);
    assert.ok(row.finished_at instanceof Date);
    assert.ok(row.finished_at.getTime() >= row.started_at.getTime());
    assert.equal(row.logs, null);
    assert.equal(row.rolled_back_at, null);
    assert.equal(row.applied_steps_count, 1);
  }
  const columns = await query<{
    column_name: string;
    data_type: string;
    max: number | null;
    nullable: string;
  }>(
    db.url,
    `SELECT column_name, data_type, character_maximum_length AS max, is_nullable AS nullable
       FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
  );
  assert.deepEqual(
    columns.map((c) => [c.column_name, c.data_type, c.max, c.nullable]),
    [
      ["id", "character varying", 36, "NO"],
      ["checksum", "character varying", 64, "NO"],
      ["finished_at", "timestamp with time zone", null, "YES"],
      ["migration_name", "character varying", 255, "NO"],
      ["logs", "text", null, "YES"],
      ["rolled_back_at", "timestamp with time zone", null, "YES"],
      ["started_at", "timestamp with time zone", null, "NO"],
      ["applied_steps_count", "integer", null, "NO"],
    ],
  );
});

test("running again applies nothing and changes nothing", async () => {
  const db = await emptyDatabase();
  await migrate(db.url);
  const before = await query<MigrationRow>(
    db.url,
    'SELECT * FROM "_prisma_migrations" ORDER BY id',
  );
  const again = await migrate(db.url);
  assert.deepEqual(again.applied, []);
  assert.equal(again.alreadyApplied.length, before.length);
  const after = await query<MigrationRow>(db.url, 'SELECT * FROM "_prisma_migrations" ORDER BY id');
  assert.deepEqual(after, before);
});

test("two runners at once: each migration is applied exactly once", async () => {
  const db = await emptyDatabase();
  const [a, b] = await Promise.all([migrate(db.url), migrate(db.url)]);
  const files = await readMigrations();
  assert.deepEqual([...a.applied, ...b.applied].sort(), files.map((file) => file.name).sort());
  const rows = await query<{ n: number }>(
    db.url,
    'SELECT count(*)::int AS n FROM "_prisma_migrations"',
  );
  assert.equal(rows[0]?.n, files.length);
});

test("a later migration is applied on top of earlier ones, in name order", async () => {
  const db = await emptyDatabase();
  const dir = await copyOfMigrations("later");
  await migrate(db.url, { migrationsDir: dir });
  await mkdir(join(dir, "29991231000000_add_note"));
  await writeFile(
    join(dir, "29991231000000_add_note", "migration.sql"),
    '-- AlterTable\nALTER TABLE "Service" ADD COLUMN "note" TEXT;\n',
  );
  const messages: string[] = [];
  const result = await migrate(db.url, { migrationsDir: dir, log: (m) => messages.push(m) });
  assert.deepEqual(result.applied, ["29991231000000_add_note"]);
  assert.deepEqual(messages, ["applied migration 29991231000000_add_note"]);
  const columns = await query(
    db.url,
    `SELECT 1 FROM information_schema.columns
    WHERE table_name = 'Service' AND column_name = 'note'`,
  );
  assert.equal(columns.length, 1);
});

test("an applied migration whose file changed is refused, naming it", async () => {
  const db = await emptyDatabase();
  const dir = await copyOfMigrations("changed");
  await migrate(db.url, { migrationsDir: dir });
  const [first] = await readMigrations(dir);
  assert.ok(first);
  await writeFile(join(dir, first.name, "migration.sql"), `${first.sql}\n-- edited\n`);
  await assert.rejects(migrate(db.url, { migrationsDir: dir }), (error: unknown) => {
    assert.ok(error instanceof MigrationError);
    assert.equal(error.migration, first.name);
    assert.match(
      error.message,
      new RegExp(`migration ${first.name} was modified after it was applied`),
    );
    return true;
  });
});

test("a failed migration is rolled back, recorded, and blocks later runs until resolved", async () => {
  const db = await emptyDatabase();
  const dir = await copyOfMigrations("failing");
  await mkdir(join(dir, "29991231000000_broken"));
  await writeFile(
    join(dir, "29991231000000_broken", "migration.sql"),
    'CREATE TABLE "Half" ("id" TEXT);\nALTER TABLE "Nope" ADD COLUMN "x" TEXT;\n',
  );
  await assert.rejects(
    migrate(db.url, { migrationsDir: dir }),
    /migration 29991231000000_broken failed: relation "Nope" does not exist/,
  );
  const half = await query(
    db.url,
    "SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'",
  );
  assert.equal(half.length, 0, "the failed migration left nothing behind");
  const rows = await query<MigrationRow>(
    db.url,
    `SELECT * FROM "_prisma_migrations" WHERE migration_name = '29991231000000_broken'`,
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.finished_at, null);
  assert.match(rows[0]?.logs ?? "", /relation "Nope" does not exist/);

  await rm(join(dir, "29991231000000_broken"), { recursive: true });
  await assert.rejects(
    migrate(db.url, { migrationsDir: dir }),
    /migration 29991231000000_broken failed previously and was not resolved .*prisma migrate resolve --rolled-back 29991231000000_broken/,
  );
  // What `prisma migrate resolve --rolled-back` does: mark it rolled back; then runs continue.
  await query(
    db.url,
    `UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE finished_at IS NULL`,
  );
  assert.deepEqual((await migrate(db.url, { migrationsDir: dir })).applied, []);
});
