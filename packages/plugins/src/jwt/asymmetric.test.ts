// jwt as Kong 3.9: RS, PS, ES 256/384/512 and EdDSA tokens verified with the jwt secret's
// rsa_public_key (PEM); every key generated here, every token signed here.
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { test } from "node:test";
import type { CredentialLookup, JwtCredential } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { SignJWT } from "jose";
import { jwt } from "../index.js";

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
const rsa = (): Pair => generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = (namedCurve: string): Pair => generateKeyPairSync("ec", { namedCurve });
const ed = (): Pair => generateKeyPairSync("ed25519");
const pem = (k: KeyObject) => k.export({ type: "spki", format: "pem" }).toString();

const PAIRS: Record<string, Pair> = {
  RS256: rsa(),
  RS384: rsa(),
  RS512: rsa(),
  PS256: rsa(),
  PS384: rsa(),
  PS512: rsa(),
  ES256: ec("P-256"),
  ES384: ec("P-384"),
  ES512: ec("P-521"),
  EdDSA: ed(),
};
const alice = { id: "c-alice", username: "alice" };
const secrets = new Map<string, JwtCredential>();
for (const [alg, pair] of Object.entries(PAIRS)) {
  const key = `${alg.toLowerCase()}-key`;
  secrets.set(key, { id: `j-${alg}`, key, algorithm: alg, rsaPublicKey: pem(pair.publicKey) });
}
const credentials: CredentialLookup = {
  jwtSecret: (key) => {
    const credential = secrets.get(key);
    return credential && { consumer: alice, credential };
  },
};
const sign = (alg: string, iss: string, key: KeyObject) =>
  new SignJWT({ sub: "alice" }).setProtectedHeader({ alg, typ: "JWT" }).setIssuer(iss).sign(key);
const run = (token: string) =>
  runPlugin(jwt, {}, { credentials, request: { headers: { authorization: `Bearer ${token}` } } });
const www = 'Bearer realm="gatehouse", error="invalid_token"';

for (const [alg, pair] of Object.entries(PAIRS)) {
  const iss = `${alg.toLowerCase()}-key`;

  test(`${alg}: a token signed with the private key authenticates`, async () => {
    const r = await run(await sign(alg, iss, pair.privateKey));
    assert.equal(r.response.status, 200, `${alg} reaches the upstream`);
    assert.equal(r.upstreamRequest?.headers["X-Consumer-Username"], "alice");
    assert.equal(r.upstreamRequest?.headers["X-Credential-Identifier"], iss);
  });

  test(`${alg}: signed with another key of the same type → 401 'Invalid signature'`, async () => {
    const other = alg.startsWith("ES")
      ? ec({ ES256: "P-256", ES384: "P-384", ES512: "P-521" }[alg]!)
      : alg === "EdDSA"
        ? ed()
        : rsa();
    const r = await run(await sign(alg, iss, other.privateKey));
    assert.equal(r.response.status, 401);
    assert.deepEqual(r.response.json(), { message: "Invalid signature" });
    assert.equal(r.response.header("www-authenticate"), www);
  });
}

test("alg other than the credential's (RS256 token for a PS256 secret) → 'Invalid algorithm'", async () => {
  const r = await run(await sign("RS256", "ps256-key", PAIRS.PS256!.privateKey));
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Invalid algorithm" });
});

test("alg other than the credential's (ES384 token for an ES256 secret) → 'Invalid algorithm'", async () => {
  const r = await run(await sign("ES384", "es256-key", PAIRS.ES384!.privateKey));
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Invalid algorithm" });
});

test("a key that does not fit the algorithm (pushed without the admin's check) → 'Invalid signature'", async () => {
  secrets.set("mismatch", {
    id: "j-x",
    key: "mismatch",
    algorithm: "ES256",
    rsaPublicKey: pem(PAIRS.RS256!.publicKey),
  });
  const r = await run(await sign("ES256", "mismatch", PAIRS.ES256!.privateKey));
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Invalid signature" });
});

test("an unparsable rsa_public_key → 'Invalid signature', never a 500", async () => {
  secrets.set("garbage", { id: "j-g", key: "garbage", algorithm: "EdDSA", rsaPublicKey: "nope" });
  const r = await run(await sign("EdDSA", "garbage", PAIRS.EdDSA!.privateKey));
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Invalid signature" });
});
