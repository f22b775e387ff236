import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createPrismaClient } from "@gatehouse/db/client";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let source: Admin;
let target: Admin;
let api: ReturnType<typeof client>;

before(async () => {
  [source, target] = await Promise.all([startAdmin(), startAdmin()]);
  api = client(source);
  await api("POST", "/api/v1/consumers", { body: { username: "ivy" } });
});
after(async () => Promise.all([source?.stop(), target?.stop()]));

test("jwt: a generated HS256 secret is shown once, never read back, and reaches the snapshot", async () => {
  const created = await api("POST", "/api/v1/consumers/ivy/jwt", { body: { key: "ivy-issuer" } });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.algorithm, "HS256");
  const secret = created.body.secret as string;
  assert.ok(secret.length >= 32);

  const read = await api("GET", "/api/v1/consumers/ivy/jwt/ivy-issuer");
  assert.equal(read.status, 200);
  assert.equal(read.body.secret, undefined);
  assert.ok(!(await api("GET", "/api/v1/consumers/ivy/jwt")).text.includes(secret));

  const versions = await api("GET", "/api/v1/config/versions");
  // What data planes receive: the stored snapshot carries the secret in clear.
  const prisma = createPrismaClient(source.db.url, { maxConnections: 1 });
  try {
    const row = await prisma.configVersion.findUniqueOrThrow({
      where: { version: versions.body.data[0].version },
    });
    const snapshot = row.snapshot as { consumers: { jwt_secrets: { secret: string }[] }[] };
    assert.equal(snapshot.consumers[0]?.jwt_secrets[0]?.secret, secret);
  } finally {
    await prisma.$disconnect();
  }
  const shown = await api("GET", `/api/v1/config/versions/${versions.body.data[0].version}`);
  assert.equal(shown.body.snapshot.consumers[0].jwt_secrets[0].secret, "********");
  assert.ok(!(await api("GET", "/api/v1/config/export")).text.includes(secret));
  const plain = await api("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(plain.body.consumers[0].jwt_secrets[0].secret, secret);
  assert.ok(!(await api("GET", "/api/v1/audit")).text.includes(secret));
});

test("jwt: RS256 keeps the public key; unsupported algorithms and missing keys are 400s", async () => {
  const pem =
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----";
  const rs = await api("POST", "/api/v1/consumers/ivy/jwt", {
    body: { key: "ivy-rs", algorithm: "RS256", rsa_public_key: pem },
  });
  assert.equal(rs.status, 201, rs.text);
  assert.equal(rs.body.rsa_public_key, pem);
  assert.equal(rs.body.secret, undefined);

  const noKey = await api("POST", "/api/v1/consumers/ivy/jwt", { body: { algorithm: "RS256" } });
  assert.equal(noKey.status, 400);
  assert.deepEqual(
    noKey.body.errors.map((e: { path: string }) => e.path),
    ["rsa_public_key"],
  );
  const hs512 = await api("POST", "/api/v1/consumers/ivy/jwt", {
    body: { algorithm: "HS512", secret: "x" },
  });
  assert.equal(hs512.status, 400);
  assert.deepEqual(
    hs512.body.errors.map((e: { path: string }) => e.path),
    ["algorithm"],
  );
  assert.equal(
    (
      await api("POST", "/api/v1/consumers/ivy/jwt", {
        body: { key: "ivy-rs", algorithm: "RS256", rsa_public_key: pem },
      })
    ).status,
    409,
  );
});

test("jwt: an export with secrets imports into an empty database identically", async () => {
  const plain = await api("GET", "/api/v1/config/export?format=json&include_secrets=true");
  const other = client(target);
  const imported = await other("POST", "/api/v1/config/import", {
    raw: plain.text,
    headers: { "content-type": "application/json" },
  });
  assert.equal(imported.status, 200, imported.text);
  const again = await other("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(again.text, plain.text);
  const noop = await other("POST", "/api/v1/config/import?dry_run=true", {
    raw: plain.text,
    headers: { "content-type": "application/json" },
  });
  assert.equal(
    noop.body.diff.jwt_secrets.changed.length,
    0,
    "re-importing the same secret changes nothing",
  );
});
