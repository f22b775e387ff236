// Secrets sealed at rest inside JSON: plugin secret fields in Plugin rows and every secret of a
// stored ConfigVersion snapshot. The hash and the text data planes get stay the clear document's.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { canonicalJson, hashConfig } from "@gatehouse/config";
import { makeCertificate } from "@gatehouse/config/testing";
import { encryptSecret } from "../src/auth.js";
import { exportDeclarative } from "../src/export.js";
import {
  holdsSealed,
  isSealed,
  openSealedText,
  openValue,
  sealValue,
  withSealedSpots,
} from "../src/sealed.js";
import type { SealedSpot } from "../src/sealed.js";
import { commitVersion, lockChanges } from "../src/versions.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

const KEY = "sealed-test-secret-0123456789abcdef";
const JWT_SECRET = "jwt-hs-secret-in-clear-1234";
const REDIS_PASSWORD = "redis-password-in-clear-5678";
const leaf = makeCertificate({ cn: "a.test", sans: ["a.test"] });

test("sealValue seals every string of a value, openValue gives it back", () => {
  const value = { a: "one", b: ["two", 3, null], c: { d: "four" } };
  const sealed = sealValue(value, KEY) as Record<string, unknown>;
  assert.ok(isSealed(sealed.a));
  assert.ok(!JSON.stringify(sealed).includes("four"));
  assert.equal(sealValue(sealed, KEY, () => undefined) !== sealed, true);
  assert.deepEqual(openValue(sealed, KEY), value);
  // nothing sealed: the same reference, nothing copied
  assert.equal(openValue(value, KEY), value);
  assert.equal(holdsSealed(value), false);
  assert.equal(holdsSealed(sealed), true);
  assert.throws(() => openValue(sealed, "another-key-0123456789"), /cannot be decrypted/);
});

test("openSealedText opens canonical and jsonb text, and never a string that looks sealed", () => {
  const spots: SealedSpot[] = [];
  const clear = { s: 'p"w{}', t: 'not {"$sealed":"v1.a.b.c"} a value' };
  const sealed = { s: sealValue(clear.s, KEY), t: clear.t };
  const opened = openValue(sealed, KEY, spots) as typeof clear;
  assert.deepEqual(opened, clear);
  assert.equal(spots.length, 1);
  const stored = withSealedSpots(spots, () => canonicalJson(opened));
  assert.equal(stored, canonicalJson(sealed));
  assert.deepEqual(opened, clear, "restored after serializing");
  assert.equal(openSealedText(stored, KEY), canonicalJson(clear));
  // PostgreSQL's jsonb text puts a space after each colon
  const jsonbText = stored.replaceAll('{"$sealed":"', '{"$sealed": "');
  assert.notEqual(jsonbText, stored);
  assert.deepEqual(JSON.parse(openSealedText(jsonbText, KEY)), clear);
});

let h: Harness;
before(async () => {
  h = await openHarness();
  await h.prisma.consumer.create({
    data: {
      username: "alice",
      jwtCredentials: {
        create: [
          { key: "k1", algorithm: "HS256", secretEncrypted: encryptSecret(JWT_SECRET, KEY) },
        ],
      },
    },
  });
  await h.prisma.certificate.create({
    data: { cert: leaf.cert, keyEncrypted: encryptSecret(leaf.key, KEY) },
  });
  await h.prisma.plugin.create({
    data: {
      name: "rate-limiting",
      config: {
        minute: 5,
        policy: "redis",
        redis: { host: "127.0.0.1", password: sealValue(REDIS_PASSWORD, KEY) },
      } as object,
    },
  });
});
after(() => h?.close());

test("a committed version stores its secrets sealed; its hash and text are the clear document's", async () => {
  const committed = await h.prisma.$transaction(async (tx) => {
    await lockChanges(tx);
    return commitVersion(tx, { author: "test", message: "sealed", secretKey: KEY });
  });
  const clear = await exportDeclarative(h.prisma, { secretKey: KEY });
  assert.equal(clear.consumers[0]?.jwt_secrets?.[0]?.secret, JWT_SECRET);
  assert.equal(clear.certificates?.[0]?.key, leaf.key);
  const redis = clear.plugins[0]?.config.redis as { password: string };
  assert.equal(redis.password, REDIS_PASSWORD);
  assert.equal(committed.hash, hashConfig(clear));
  assert.equal(committed.canonical, canonicalJson(clear));
  assert.deepEqual(committed.snapshot, clear);

  const [row] = await h.prisma.$queryRaw<{ snapshot: string; sealed: boolean }[]>`
    SELECT "snapshot"::text AS "snapshot", "sealed" FROM "ConfigVersion"
    WHERE "version" = ${committed.version}`;
  assert.ok(row);
  assert.equal(row.sealed, true);
  for (const secret of [JWT_SECRET, REDIS_PASSWORD, "PRIVATE KEY"]) {
    assert.ok(!row.snapshot.includes(secret), `the stored snapshot holds ${secret} in clear`);
  }
  // what the distributor sends: the stored text opened, byte for byte the hashed text
  const stored: unknown = JSON.parse(row.snapshot);
  assert.equal(openSealedText(canonicalJson(stored), KEY), committed.canonical);
  assert.deepEqual(openValue(stored, KEY), clear);

  // without the key the document holds the plugin secret sealed and no jwt secret / certificate
  const human = await exportDeclarative(h.prisma);
  assert.ok(isSealed((human.plugins[0]?.config.redis as { password: unknown }).password));
  assert.equal(human.consumers[0]?.jwt_secrets?.[0]?.secret, undefined);
  assert.equal(human.certificates, undefined);
});
