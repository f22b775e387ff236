// The hand-written migration must match prisma/schema.prisma: every model is a table with exactly
// the model's scalar fields as columns, and the schema's unique / foreign keys exist by Prisma's names.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import pg from "pg";
import { JWT_ALGORITHMS } from "@gatehouse/config";
import { JwtAlgorithm, Prisma } from "../src/client.js";
import { createTestDatabase } from "../src/testing.js";
import type { TestDatabase } from "../src/testing.js";

let db: TestDatabase;
let client: pg.Client;
before(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
after(async () => {
  await client.end();
  await db.drop();
});

test("every model's scalar fields are exactly its table's columns", async () => {
  const namespace = Prisma as unknown as Record<string, Record<string, string> | undefined>;
  for (const model of Object.values(Prisma.ModelName)) {
    const fields = Object.values(namespace[`${model}ScalarFieldEnum`] ?? {}).sort();
    assert.ok(fields.length > 0, `${model} has fields`);
    const { rows } = await client.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
      [model],
    );
    assert.deepEqual(rows.map((row) => row.column_name).sort(), fields, `columns of "${model}"`);
  }
});

test("every mutable model has createdAt, updatedAt and version (default 1)", async () => {
  const immutable = new Set(["ConfigVersion", "AuditLog"]);
  for (const model of Object.values(Prisma.ModelName)) {
    if (immutable.has(model)) continue;
    const { rows } = await client.query<{ column_name: string; column_default: string | null }>(
      `SELECT column_name, column_default FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = $1 AND column_name IN ('createdAt', 'updatedAt', 'version')
        ORDER BY column_name`,
      [model],
    );
    assert.deepEqual(
      rows.map((row) => [row.column_name, row.column_default]),
      [
        ["createdAt", "CURRENT_TIMESTAMP"],
        ["updatedAt", null],
        ["version", "1"],
      ],
      model,
    );
  }
});

test("ConfigVersion.version is allocated from a sequence", async () => {
  const { rows } = await client.query<{ seq: string | null }>(
    `SELECT pg_get_serial_sequence('"ConfigVersion"', 'version') AS seq`,
  );
  assert.equal(rows[0]?.seq, 'public."ConfigVersion_version_seq"');
});

test("unique and foreign keys carry Prisma's names", async () => {
  const { rows } = await client.query<{ name: string }>(
    `SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public' AND indexname LIKE '%\\_key'
     UNION ALL
     SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
  );
  const names = new Set(rows.map((row) => row.name));
  for (const expected of [
    "Service_name_key",
    "Target_upstreamId_target_key",
    "Upstream_name_key",
    "Upstream_serviceId_key",
    "Route_name_key",
    "Plugin_name_serviceId_routeId_consumerId_key",
    "Consumer_username_key",
    "Consumer_customId_key",
    "KeyAuthCredential_keyHash_key",
    "BasicAuthCredential_username_key",
    "JwtCredential_key_key",
    "AclGroup_consumerId_group_key",
    "AdminUser_username_key",
    "AdminUser_email_key",
    "ApiToken_tokenHash_key",
    "Session_tokenHash_key",
    "ConfigVersion_version_key",
    "Target_upstreamId_fkey",
    "Upstream_serviceId_fkey",
    "Route_serviceId_fkey",
    "Plugin_serviceId_fkey",
    "Plugin_routeId_fkey",
    "Plugin_consumerId_fkey",
    "KeyAuthCredential_consumerId_fkey",
    "BasicAuthCredential_consumerId_fkey",
    "JwtCredential_consumerId_fkey",
    "AclGroup_consumerId_fkey",
    "ApiToken_userId_fkey",
    "Session_userId_fkey",
    "Sni_name_key",
    "Sni_certificateId_fkey",
    "CaCertificate_certDigest_key",
    "Service_clientCertificateId_fkey",
  ]) {
    assert.ok(names.has(expected), `missing ${expected}`);
  }
});

test("the JwtAlgorithm enum holds exactly @gatehouse/config's jwt algorithms", async () => {
  const { rows } = await client.query<{ value: string }>(
    `SELECT e.enumlabel AS value FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
     WHERE t.typname = 'JwtAlgorithm'`,
  );
  const sorted = (list: readonly string[]) => [...list].sort();
  assert.deepEqual(sorted(rows.map((r) => r.value)), sorted(JWT_ALGORITHMS), "database");
  assert.deepEqual(sorted(Object.values(JwtAlgorithm)), sorted(JWT_ALGORITHMS), "Prisma client");
});
