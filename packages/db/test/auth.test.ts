import assert from "node:assert/strict";
import { test } from "node:test";
import {
  decryptSecret,
  digestsEqual,
  encryptSecret,
  generatePassword,
  generateToken,
  hashApiKey,
  hashPassword,
  hashToken,
  passwordNeedsRehash,
  tokenPrefix,
  verifyPassword,
} from "../src/auth.js";

test("a password hash is self-describing scrypt, salted, and verifies only the right password", async () => {
  const hash = await hashPassword("correct horse");
  assert.match(hash, /^\$scrypt\$N=32768,r=8,p=3\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(await hashPassword("correct horse"), hash, "a fresh salt every time");
  assert.equal(await verifyPassword("correct horse", hash), true);
  assert.equal(await verifyPassword("correct horsE", hash), false);
  assert.equal(passwordNeedsRehash(hash), false);
});

test("hashes made with other parameters still verify, and ask for a rehash", async () => {
  const weak = await hashPassword("pw", { N: 1024, r: 8, p: 1 });
  assert.equal(await verifyPassword("pw", weak), true);
  assert.equal(passwordNeedsRehash(weak), true);
});

test("malformed or tampered hashes never verify", async () => {
  for (const stored of [
    "",
    "plain",
    "$scrypt$N=2,r=1,p=1$$",
    "$scrypt$N=99999999,r=8,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaA",
  ]) {
    assert.equal(await verifyPassword("pw", stored), false, stored);
  }
  await assert.rejects(hashPassword(""), /password: must be a non-empty string/);
});

test("tokens are random, prefixed, and hashed with sha256", () => {
  const token = generateToken("gh");
  assert.match(token, /^gh_[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generateToken("gh"), token);
  assert.equal(tokenPrefix(token), token.slice(0, 8));
  assert.equal(
    hashToken("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.throws(() => generateToken("Bad-Prefix"), /prefix: must match/);
});

test("generated passwords are long and use an unambiguous alphabet", () => {
  const password = generatePassword(24);
  assert.equal(password.length, 24);
  assert.match(password, /^[A-HJ-NP-Za-km-z2-9]+$/);
  assert.notEqual(generatePassword(24), password);
});

test("API keys are hashed with HMAC-SHA256 under the server secret", () => {
  const secret = "0123456789abcdef0123";
  const hash = hashApiKey("my-key", secret);
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(
    hashApiKey("my-key", secret),
    hash,
    "deterministic, so the data plane can look it up",
  );
  assert.notEqual(hashApiKey("my-key", `${secret}x`), hash);
  assert.equal(digestsEqual(hash, hashApiKey("my-key", secret)), true);
  assert.equal(digestsEqual(hash, hash.slice(1)), false);
  assert.throws(() => hashApiKey("k", "short"), /secret: must be at least 16 bytes/);
});

test("secrets round-trip through AES-256-GCM and tampering is detected", () => {
  const secret = "server-secret-0123456789";
  const sealed = encryptSecret("jwt hs256 secret", secret);
  assert.match(sealed, /^v1\./);
  assert.notEqual(encryptSecret("jwt hs256 secret", secret), sealed, "fresh IV each time");
  assert.equal(decryptSecret(sealed, secret), "jwt hs256 secret");
  assert.throws(() => decryptSecret(sealed, "another-secret-0123456789"), /cannot be decrypted/);
  const parts = sealed.split(".");
  const data = parts[3] ?? "";
  const flipped = [
    parts[0],
    parts[1],
    parts[2],
    `${data.startsWith("A") ? "B" : "A"}${data.slice(1)}`,
  ];
  assert.throws(() => decryptSecret(flipped.join("."), secret), /cannot be decrypted/);
  assert.throws(() => decryptSecret("nope", secret), /unknown format/);
});
