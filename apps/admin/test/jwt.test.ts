import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { after, before, test } from "node:test";
import { createPrismaClient } from "@gatehouse/db/client";
import { isSealed } from "@gatehouse/db/sealed";
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
  // The stored snapshot carries the secret sealed (data planes get it opened, in clear).
  const prisma = createPrismaClient(source.db.url, { maxConnections: 1 });
  try {
    const row = await prisma.configVersion.findUniqueOrThrow({
      where: { version: versions.body.data[0].version },
    });
    const snapshot = row.snapshot as { consumers: { jwt_secrets: { secret: unknown }[] }[] };
    assert.ok(isSealed(snapshot.consumers[0]?.jwt_secrets[0]?.secret));
    assert.ok(!JSON.stringify(row.snapshot).includes(secret));
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

const spki = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();

test("jwt: RS256 keeps the public key; a missing key is a 400 naming rsa_public_key", async () => {
  const pem = spki(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey);
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
  assert.equal(
    (
      await api("POST", "/api/v1/consumers/ivy/jwt", {
        body: { key: "ivy-rs", algorithm: "RS256", rsa_public_key: pem },
      })
    ).status,
    409,
  );
});

test("jwt: Kong 3.9's algorithms are stored (HS384/512, RS/PS/ES 256-512, EdDSA)", async () => {
  const rsaPem = spki(generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey);
  const curve = (namedCurve: string) => spki(generateKeyPairSync("ec", { namedCurve }).publicKey);
  const cases: [string, Record<string, string>][] = [
    ["HS512", { secret: "a-long-random-hs512-secret" }],
    ["RS512", { rsa_public_key: rsaPem }],
    ["PS256", { rsa_public_key: rsaPem }],
    ["ES384", { rsa_public_key: curve("P-384") }],
    ["ES512", { rsa_public_key: curve("P-521") }],
    ["EdDSA", { rsa_public_key: spki(generateKeyPairSync("ed25519").publicKey) }],
  ];
  for (const [algorithm, fields] of cases) {
    const key = `ivy-${algorithm.toLowerCase()}`;
    const r = await api("POST", "/api/v1/consumers/ivy/jwt", {
      body: { key, algorithm, ...fields },
    });
    assert.equal(r.status, 201, `${algorithm}: ${r.text}`);
    assert.equal(r.body.algorithm, algorithm);
  }
  const snapshot = await api("GET", "/api/v1/config/export?format=json");
  const stored = (snapshot.body.consumers as { jwt_secrets?: { algorithm: string }[] }[])
    .flatMap((c) => c.jwt_secrets ?? [])
    .map((j) => j.algorithm);
  for (const [algorithm] of cases) assert.ok(stored.includes(algorithm), algorithm);
});

test("jwt: a public key that does not parse or fit the algorithm is a 400 naming rsa_public_key", async () => {
  const p256 = spki(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey);
  const cases: [string, string, string][] = [
    [
      "RS256",
      "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----",
      "must be a PEM public key",
    ],
    ["PS384", p256, "must be an RSA public key for PS384 (got ec)"],
    ["ES384", p256, "must be an EC public key on curve P-384 for ES384"],
    ["EdDSA", p256, "must be an Ed25519 public key for EdDSA"],
  ];
  for (const [algorithm, rsa_public_key, message] of cases) {
    const r = await api("POST", "/api/v1/consumers/ivy/jwt", {
      body: { algorithm, rsa_public_key },
    });
    assert.equal(r.status, 400, `${algorithm}: ${r.text}`);
    assert.equal(r.body.errors.length, 1, r.text);
    assert.equal(r.body.errors[0].path, "rsa_public_key");
    assert.ok(String(r.body.errors[0].message).startsWith(message), r.text);
  }
  const unknown = await api("POST", "/api/v1/consumers/ivy/jwt", {
    body: { algorithm: "ES256K", rsa_public_key: p256 },
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(
    unknown.body.errors.map((e: { path: string }) => e.path),
    ["algorithm"],
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
