import assert from "node:assert/strict";
import { test } from "node:test";
import { createHash } from "node:crypto";
import {
  hashPassword,
  isPasswordHash,
  kongBasicAuthHash,
  passwordNeedsRehash,
  verifyPassword,
} from "../src/index.js";

const FAST = { N: 1024, r: 8, p: 1 };

test("a hash made by @gatehouse/db's hashPassword (same format) verifies", async () => {
  // produced by packages/db/src/auth.ts hashPassword("s3cret", { N: 1024, r: 8, p: 1 })
  const fromDb =
    "$scrypt$N=1024,r=8,p=1$3g_kvhjUDMCM_rNcmbA4XQ$0Bg42gELggBK2lIhyECAGXRJK2eoaRYf-2Gl1XyLkBQ";
  assert.equal(await verifyPassword("s3cret", fromDb), true);
  assert.equal(await verifyPassword("s3cret!", fromDb), false);
});

test("hashPassword output is self-describing and verifies only the right password", async () => {
  const h = await hashPassword("pässword", FAST);
  assert.match(h, /^\$scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.equal(isPasswordHash(h), true);
  assert.equal(await verifyPassword("pässword", h), true);
  assert.equal(await verifyPassword("password", h), false);
  assert.notEqual(await hashPassword("pässword", FAST), h, "random salt");
});

test("malformed or absurd hashes never verify", async () => {
  assert.equal(isPasswordHash("plain"), false);
  assert.equal(await verifyPassword("x", "plain"), false);
  assert.equal(
    await verifyPassword(
      "x",
      "$scrypt$N=4194304,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
    ),
    false,
  );
  assert.equal(await verifyPassword("x", "$scrypt$N=1024,r=8,p=1$AAAA$AAAA"), false);
  await assert.rejects(hashPassword(""), /password: must be a non-empty string/);
});

test("passwordNeedsRehash flags weaker parameters than the defaults", async () => {
  assert.equal(passwordNeedsRehash(await hashPassword("x", FAST)), true);
  assert.equal(passwordNeedsRehash("$scrypt$N=32768,r=8,p=3$AAAA$AAAA"), false);
  assert.equal(passwordNeedsRehash("garbage"), true);
});

test("Kong's basic-auth hash (SHA1 of password .. consumer_id, hex) verifies the right password only", async () => {
  const consumerId = "8a6f0c2e-5d3b-4f1a-9c7e-2b4d6f8a0c1e";
  // what Kong 3.9 stores for password "kong-pass" (kong/plugins/basic-auth/crypto.lua)
  const hex = createHash("sha1").update(`kong-pass${consumerId}`).digest("hex");
  const stored = kongBasicAuthHash(consumerId, hex.toUpperCase());
  assert.equal(stored, `$kong-sha1$${consumerId}$${hex}`);
  assert.equal(isPasswordHash(stored), true);
  assert.equal(await verifyPassword("kong-pass", stored), true);
  assert.equal(await verifyPassword("kong-pass ", stored), false);
  assert.equal(await verifyPassword("kong-pass", `$kong-sha1$other-id$${hex}`), false);
  assert.equal(passwordNeedsRehash(stored), true);
  assert.throws(() => kongBasicAuthHash(consumerId, "not-hex"), /40 hex/);
  assert.throws(() => kongBasicAuthHash("a$b", hex), /consumerId/);
});
