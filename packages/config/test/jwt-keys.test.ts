import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { formatErrors, JWT_ALGORITHMS, validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const pem = (k: { publicKey: { export(o: object): string | Buffer } }) =>
  k.publicKey.export({ type: "spki", format: "pem" }).toString();
const rsa = pem(generateKeyPairSync("rsa", { modulusLength: 2048 }));
const smallRsa = pem(generateKeyPairSync("rsa", { modulusLength: 1024 }));
const p256 = pem(generateKeyPairSync("ec", { namedCurve: "P-256" }));
const p384 = pem(generateKeyPairSync("ec", { namedCurve: "P-384" }));
const p521 = pem(generateKeyPairSync("ec", { namedCurve: "P-521" }));
const ed = pem(generateKeyPairSync("ed25519"));

function keyErrors(algorithm: string, rsa_public_key: string): string[] {
  const r = validateDeclarative(
    {
      _format_version: "3.0",
      consumers: [{ username: "a", jwt_secrets: [{ key: "k", algorithm, rsa_public_key }] }],
    },
    { plugins: catalog },
  );
  return r.ok ? [] : formatErrors(r.errors).split("\n");
}

test("jwt_secrets: Kong 3.9's thirteen algorithms, HMAC first", () => {
  assert.deepEqual(
    [...JWT_ALGORITHMS],
    "HS256 HS384 HS512 RS256 RS384 RS512 ES256 ES384 ES512 PS256 PS384 PS512 EdDSA".split(" "),
  );
});

test("jwt_secrets: a public key of the algorithm's type is accepted", () => {
  const good: [string, string][] = [
    ["RS256", rsa],
    ["RS512", rsa],
    ["PS256", rsa],
    ["PS384", rsa],
    ["ES256", p256],
    ["ES384", p384],
    ["ES512", p521],
    ["EdDSA", ed],
  ];
  for (const [alg, key] of good) assert.deepEqual(keyErrors(alg, key), [], alg);
});

test("jwt_secrets: rsa_public_key refused with the reason when it does not fit the algorithm", () => {
  const path = "consumers[0].jwt_secrets[0].rsa_public_key";
  const cases: [string, string, string][] = [
    ["RS256", "not a key", "must be a PEM public key (-----BEGIN PUBLIC KEY-----)"],
    ["RS256", p256, "must be an RSA public key for RS256 (got ec)"],
    ["PS512", ed, "must be an RSA public key for PS512 (got ed25519)"],
    ["RS256", smallRsa, "must be an RSA key of at least 2048 bits for RS256"],
    ["ES256", p384, "must be an EC public key on curve P-256 for ES256"],
    ["ES384", rsa, "must be an EC public key on curve P-384 for ES384"],
    ["ES512", p256, "must be an EC public key on curve P-521 for ES512"],
    ["EdDSA", p256, "must be an Ed25519 public key for EdDSA"],
  ];
  for (const [alg, key, message] of cases) {
    assert.deepEqual(keyErrors(alg, key), [`${path}: ${message}`], alg);
  }
  const priv = generateKeyPairSync("ed25519")
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();
  assert.deepEqual(keyErrors("EdDSA", priv), [`${path}: must be a public key, not a private key`]);
});
