// jwt as Kong 3.9 through a real gateway: PS, ES 384/512 and EdDSA tokens signed here with keys
// generated here; a token signed by another key answers 401 'Invalid signature', a token whose
// alg is not the secret's 401 'Invalid algorithm' (Kong's messages).
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { test } from "node:test";
import { SignJWT } from "jose";
import { control, doc, echoUpstream, gateway, send } from "./helpers.js";

type Pair = { publicKey: KeyObject; privateKey: KeyObject };
const KEYS: Record<string, () => Pair> = {
  PS256: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  RS384: () => generateKeyPairSync("rsa", { modulusLength: 2048 }),
  ES384: () => generateKeyPairSync("ec", { namedCurve: "P-384" }),
  ES512: () => generateKeyPairSync("ec", { namedCurve: "P-521" }),
  EdDSA: () => generateKeyPairSync("ed25519"),
};

test("jwt through a gateway: PS256, RS384, ES384, ES512, EdDSA tokens; wrong key and alg mismatch as Kong", async (t) => {
  const up = await echoUpstream(t);
  const pairs = Object.fromEntries(Object.entries(KEYS).map(([alg, gen]) => [alg, gen()]));
  const jwt_secrets = Object.entries(pairs).map(([alg, pair]) => ({
    key: `iss-${alg}`,
    algorithm: alg,
    rsa_public_key: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  }));
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/api"], plugins: [{ name: "jwt" }] }] }], {
      consumers: [{ username: "alice", jwt_secrets }],
    }),
  );
  const sign = (alg: string, iss: string, key: KeyObject) =>
    new SignJWT({ iss }).setProtectedHeader({ alg, typ: "JWT" }).sign(key);
  const call = (token: string) =>
    send(`${gw.url}/api`, { headers: { authorization: `Bearer ${token}` } });

  for (const [alg, pair] of Object.entries(pairs)) {
    const ok = await call(await sign(alg, `iss-${alg}`, pair.privateKey));
    assert.equal(ok.status, 200, `${alg}: ${ok.text}`);
    const echoed = ok.json() as { headers: Record<string, string> };
    assert.equal(echoed.headers["x-consumer-username"], "alice", alg);
    assert.equal(echoed.headers["x-credential-identifier"], `iss-${alg}`, alg);

    const forged = await call(await sign(alg, `iss-${alg}`, KEYS[alg]!().privateKey));
    assert.equal(forged.status, 401, alg);
    assert.deepEqual(forged.json(), { message: "Invalid signature" }, alg);
    assert.equal(
      forged.headers["www-authenticate"],
      'Bearer realm="gatehouse", error="invalid_token"',
    );
  }
  // an ES512 token for the ES384 secret: the alg is not the secret's
  const mismatch = await call(await sign("ES512", "iss-ES384", pairs.ES512!.privateKey));
  assert.equal(mismatch.status, 401);
  assert.deepEqual(mismatch.json(), { message: "Invalid algorithm" });
});

test("jwt through a gateway: a pushed config whose rsa_public_key does not fit its algorithm is a 400, the running config stays", async (t) => {
  const gw = await gateway(t, doc());
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const secret = {
    key: "bob",
    algorithm: "EdDSA",
    rsa_public_key: ec.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
  const config = doc([], { consumers: [{ username: "bob", jwt_secrets: [secret] }] });
  const r = await control(gw, "PUT", "/v1/config", { version: 1, config });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual((r.json() as { errors: unknown[] }).errors, [
    {
      path: "consumers[0].jwt_secrets[0].rsa_public_key",
      message: "must be an Ed25519 public key for EdDSA",
    },
  ]);
});
