// Secrets at rest: plugin secret fields, jwt HS secrets and private keys are stored sealed in
// PostgreSQL (Plugin rows and ConfigVersion snapshots), answers stay masked, data planes get them
// in clear. An older admin's clear rows are read and sealed at start; a wrong or missing key
// stops the admin at start with the reason.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { after, before, test } from "node:test";
import { hashConfig } from "@gatehouse/config";
import { makeCertificate } from "@gatehouse/config/testing";
import { createPrismaClient } from "@gatehouse/db/client";
import { exportDeclarative } from "@gatehouse/db/export";
import type { PrismaClient } from "@gatehouse/db/client";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startControlPlane, startDataPlane, waitInSync } from "./helpers/cluster.js";

const KEY_HASH_SECRET = randomBytes(32).toString("hex");
const OLD_PASSWORD = "old-clear-redis-password-1";
const NEW_PASSWORD = "api-redis-password-2";
const leaf = makeCertificate({ cn: "a.test", sans: ["a.test"] });

let db: TestDatabase;
let prisma: PrismaClient;
let cp: ControlPlane;
let dp: DataPlane;
let upstream: Server;
let api: ReturnType<typeof client>;
let legacyPluginId: string;
let legacyHash: string;

/** Every text PostgreSQL holds for the plugins and the versions. */
async function storedText(): Promise<string> {
  const rows = await prisma.$queryRaw<{ text: string }[]>`
    SELECT "config"::text AS "text" FROM "Plugin"
    UNION ALL SELECT "snapshot"::text FROM "ConfigVersion"`;
  return rows.map((r) => r.text).join("\n");
}

function hs256(secret: string, payload: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part(payload)}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

before(async () => {
  upstream = createServer((_req, res) => res.end("upstream ok"));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  // what an older admin left: a plugin secret and a snapshot in clear
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url, { maxConnections: 2 });
  const config = {
    minute: 5,
    policy: "redis",
    redis: { host: "127.0.0.1", password: OLD_PASSWORD },
  };
  // disabled: the data plane gets it and never connects to Redis with it
  const legacy = await prisma.plugin.create({
    data: { name: "rate-limiting", config, enabled: false },
  });
  legacyPluginId = legacy.id;
  const doc = await exportDeclarative(prisma);
  legacyHash = hashConfig(doc);
  await prisma.configVersion.create({
    data: {
      hash: legacyHash,
      snapshot: JSON.parse(JSON.stringify(doc)) as object,
      author: "old admin",
      message: "before sealing",
    },
  });
  cp = await startControlPlane({
    databaseUrl: db.url,
    env: { GATEHOUSE_KEY_HASH_SECRET: KEY_HASH_SECRET },
  });
  api = client(cp);
});
after(async () => {
  await dp?.stop();
  await cp?.down();
  await prisma?.$disconnect();
  await db?.drop();
  upstream?.close();
});

test("an older admin's clear plugin secret and snapshot are sealed at start and still read", async () => {
  assert.match(cp.output(), /sealed the secrets of 1 plugin\(s\) and 1 configuration version\(s\)/);
  const text = await storedText();
  assert.ok(!text.includes(OLD_PASSWORD), text);
  assert.ok(text.includes('"$sealed"'));
  const version = await prisma.configVersion.findFirstOrThrow({ where: { version: 1 } });
  assert.equal(version.sealed, true);
  assert.equal(version.hash, legacyHash, "the hash is the clear document's");

  const read = await api("GET", `/api/v1/plugins/${legacyPluginId}`);
  assert.equal(read.body.config.redis.password, "********");
  const shown = await api("GET", "/api/v1/config/versions/1?include_secrets=true");
  assert.equal(shown.status, 200, shown.text);
  assert.equal(shown.body.snapshot.plugins[0].config.redis.password, OLD_PASSWORD);
  const masked = await api("GET", "/api/v1/config/versions/1");
  assert.equal(masked.body.snapshot.plugins[0].config.redis.password, "********");
});

test("secrets saved through the API: sealed in PostgreSQL, masked in answers, clear on the data plane", async () => {
  const patched = await api("PATCH", `/api/v1/plugins/${legacyPluginId}`, {
    body: { config: { redis: { host: "127.0.0.1", password: NEW_PASSWORD } } },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.config.redis.password, "********");
  const { port } = upstream.address() as { port: number };
  for (const [path, body] of [
    ["/api/v1/services", { name: "up", url: `http://127.0.0.1:${port}` }],
    ["/api/v1/services/up/routes", { name: "r", paths: ["/r"] }],
    ["/api/v1/routes/r/plugins", { name: "jwt" }],
    ["/api/v1/consumers", { username: "ivy" }],
    ["/api/v1/certificates", { cert: leaf.cert, key: leaf.key }],
  ] as const) {
    const r = await api("POST", path, { body });
    assert.equal(r.status, 201, `${path}: ${r.text}`);
  }
  const jwt = await api("POST", "/api/v1/consumers/ivy/jwt", { body: { key: "ivy-issuer" } });
  assert.equal(jwt.status, 201, jwt.text);
  const jwtSecret = jwt.body.secret as string;

  const text = await storedText();
  for (const secret of [OLD_PASSWORD, NEW_PASSWORD, jwtSecret, "PRIVATE KEY"]) {
    assert.ok(!text.includes(secret), `PostgreSQL holds ${secret} in clear`);
  }
  const exported = await api("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(exported.body.plugins[0].config.redis.password, NEW_PASSWORD);
  assert.equal(exported.body.consumers[0].jwt_secrets[0].secret, jwtSecret);
  assert.equal(exported.body.certificates[0].key, leaf.key);

  // the data plane runs the newest version (its hash: the clear document's) and uses the secret
  dp = await startDataPlane(cp);
  const newest = await newestVersion(cp);
  await waitInSync(cp, dp.id, newest.version);
  assert.equal((await dp.status()).hash, newest.hash);
  const token = hs256(jwtSecret, { iss: "ivy-issuer" });
  const ok = await fetch(`${dp.proxyUrl}/r`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), "upstream ok");
  const bad = hs256("another-secret-0123456789abcdef", { iss: "ivy-issuer" });
  const refused = await fetch(`${dp.proxyUrl}/r`, { headers: { authorization: `Bearer ${bad}` } });
  assert.equal(refused.status, 401);
});

test("rollback to a version with sealed secrets restores them in clear for the data planes", async () => {
  const withNew = (await newestVersion(cp)).version;
  const rolled = await api("POST", "/api/v1/config/versions/1/rollback");
  assert.equal(rolled.status, 200, rolled.text);
  const exported = await api("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(exported.body.plugins[0].config.redis.password, OLD_PASSWORD);
  assert.ok(!(await storedText()).includes(OLD_PASSWORD));
  const newest = await newestVersion(cp);
  assert.ok(newest.version > withNew);
  assert.equal(newest.hash, legacyHash, "the same configuration as version 1");
});

test("a wrong or missing key stops the admin at start with the reason", async () => {
  await dp.down();
  await cp.down();
  for (const [secret, reason] of [
    [randomBytes(32).toString("hex"), /GATEHOUSE_KEY_HASH_SECRET cannot decrypt the secrets/],
    ["", /GATEHOUSE_KEY_HASH_SECRET is not set, but the database holds secrets/],
  ] as const) {
    await assert.rejects(
      startControlPlane({ databaseUrl: db.url, env: { GATEHOUSE_KEY_HASH_SECRET: secret } }),
      (error: Error) => reason.test(error.message) && !/\n\s+at /.test(error.message),
    );
  }
});
