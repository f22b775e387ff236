import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import type { CredentialLookup, JwtCredential } from "@gatehouse/plugin-kit";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runChain, runPlugin } from "@gatehouse/plugin-kit/testing";
import { SignJWT } from "jose";
import { builtinCatalog, jwt } from "../index.js";

const alice = { id: "c-alice", username: "alice", customId: "A1" };
const anon = { id: "c-anon", username: "anonymous" };
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = (k: typeof rsa.publicKey) => k.export({ type: "spki", format: "pem" }).toString();
const secrets: Record<string, JwtCredential> = {
  "hs-key": {
    id: "j-1",
    key: "hs-key",
    algorithm: "HS256",
    secret: "s3cret-s3cret-s3cret-s3cret-32by",
  },
  "rs-key": { id: "j-2", key: "rs-key", algorithm: "RS256", rsaPublicKey: pem(rsa.publicKey) },
  "es-key": { id: "j-3", key: "es-key", algorithm: "ES256", rsaPublicKey: pem(ec.publicKey) },
  "b64-key": {
    id: "j-4",
    key: "b64-key",
    algorithm: "HS256",
    secret: Buffer.from("raw-bytes-secret-of-32-bytes-len").toString("base64url"),
  },
  "no-secret": { id: "j-5", key: "no-secret", algorithm: "HS256", secret: null },
  "empty-secret": { id: "j-6", key: "empty-secret", algorithm: "HS256", secret: "" },
};
const credentials: CredentialLookup = {
  jwtSecret: (key) => {
    const credential = secrets[key];
    return credential && { consumer: alice, credential };
  },
  consumer: (idOrName) => [alice, anon].find((c) => c.id === idOrName || c.username === idOrName),
};
const now = () => Math.floor(Date.now() / 1000);
async function hs(claims: Record<string, unknown>, secret = secrets["hs-key"]!.secret!) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const run = (
  config: unknown,
  request: { headers?: Record<string, string>; query?: string; method?: string } = {},
) => runPlugin(jwt, config, { credentials, request });
const www = 'Bearer realm="gatehouse", error="invalid_token"';
async function rejects(config: unknown, headers: Record<string, string>, body: unknown) {
  const r = await run(config, { headers });
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), body);
  assert.equal(r.response.header("www-authenticate"), www);
}
const errors = (raw: unknown) => {
  const r = validatePluginConfig(jwt, raw);
  return r.ok ? [] : r.errors;
};

test("no token: 401 'Unauthorized' with WWW-Authenticate Bearer realm=\"gatehouse\"", async () => {
  const r = await run({});
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Unauthorized" });
  assert.equal(r.response.header("www-authenticate"), 'Bearer realm="gatehouse"');
});

test("HS256: a valid token authenticates with Kong's consumer headers", async () => {
  const r = await run({}, { headers: bearer(await hs({ iss: "hs-key" })) });
  assert.equal(r.response.status, 200);
  const h = r.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-ID"], "c-alice");
  assert.equal(h["X-Consumer-Username"], "alice");
  assert.equal(h["X-Consumer-Custom-ID"], "A1");
  assert.equal(h["X-Credential-Identifier"], "hs-key");
  assert.equal(r.tx.consumer?.id, "c-alice");
});

test("RS256 and ES256: verified with the credential's PEM public key", async () => {
  const rs = await new SignJWT({ iss: "rs-key" })
    .setProtectedHeader({ alg: "RS256" })
    .sign(rsa.privateKey);
  assert.equal((await run({}, { headers: bearer(rs) })).response.status, 200);
  const es = await new SignJWT({ iss: "es-key" })
    .setProtectedHeader({ alg: "ES256" })
    .sign(ec.privateKey);
  assert.equal((await run({}, { headers: bearer(es) })).response.status, 200);
  const forged = await new SignJWT({ iss: "es-key" })
    .setProtectedHeader({ alg: "ES256" })
    .sign(generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey);
  await rejects({}, bearer(forged), { message: "Invalid signature" });
});

test("a wrong secret: 'Invalid signature'", async () => {
  await rejects({}, bearer(await hs({ iss: "hs-key" }, "another-secret")), {
    message: "Invalid signature",
  });
});

test("alg other than the credential's: 'Invalid algorithm'", async () => {
  const token = await new SignJWT({ iss: "rs-key" })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new TextEncoder().encode(pem(rsa.publicKey)));
  await rejects({}, bearer(token), { message: "Invalid algorithm" });
});

test("a token whose parts are not JSON answers 'Bad token; invalid JSON' as Kong 3.9", async () => {
  const signed = await hs({ iss: "hs-key" });
  for (const token of ["not.a-jwt", "a.b.c", "no-way-this-works" + signed, "only-one-part"]) {
    await rejects({}, bearer(token), { message: "Bad token; invalid JSON" });
  }
});

test("malformed tokens: 'Bad token; invalid alg', extra parts 'Bad token; invalid signature'", async () => {
  await rejects({}, bearer(`${await hs({ iss: "hs-key" })}.extra`), {
    message: "Bad token; invalid signature",
  });
  const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"iss":"hs-key"}').toString("base64url")}.`;
  await rejects({}, bearer(none), { message: "Bad token; invalid alg" });
});

test("key claim missing, empty or unknown", async () => {
  await rejects({}, bearer(await hs({ sub: "x" })), { message: "No mandatory 'iss' in claims" });
  await rejects({}, bearer(await hs({ iss: "" })), { message: "Invalid 'iss' in claims" });
  await rejects({}, bearer(await hs({ iss: "nobody" })), {
    message: "No credentials found for given 'iss'",
  });
});

test("a credential without (or with an empty) secret: 'Invalid key/secret'", async () => {
  await rejects({}, bearer(await hs({ iss: "no-secret" })), { message: "Invalid key/secret" });
  await rejects({}, bearer(await hs({ iss: "empty-secret" }, "x")), {
    message: "Invalid key/secret",
  });
});

test("key_claim_name: the secret is found by another claim (or a token header field)", async () => {
  const token = await hs({ kid2: "hs-key" });
  assert.equal(
    (await run({ key_claim_name: "kid2" }, { headers: bearer(token) })).response.status,
    200,
  );
  const inHeader = await new SignJWT({})
    .setProtectedHeader({ alg: "HS256", kid: "hs-key" })
    .sign(new TextEncoder().encode(secrets["hs-key"]!.secret!));
  assert.equal(
    (await run({ key_claim_name: "kid" }, { headers: bearer(inHeader) })).response.status,
    200,
  );
  await rejects({ key_claim_name: "kid2" }, bearer(await hs({ iss: "hs-key" })), {
    message: "No mandatory 'kid2' in claims",
  });
});

test("secret_is_base64: the stored secret is base64 decoded first", async () => {
  const token = await hs({ iss: "b64-key" }, "raw-bytes-secret-of-32-bytes-len");
  assert.equal(
    (await run({ secret_is_base64: true }, { headers: bearer(token) })).response.status,
    200,
  );
  await rejects({}, bearer(token), { message: "Invalid signature" });
});

test("secret_is_base64 applies to HMAC secrets only: an RS256 public key is used as is, as Kong", async () => {
  const rs = await new SignJWT({ iss: "rs-key" })
    .setProtectedHeader({ alg: "RS256" })
    .sign(rsa.privateKey);
  const r = await run({ secret_is_base64: true }, { headers: bearer(rs) });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Credential-Identifier"], "rs-key");
});

test("claims_to_verify exp: expired or missing exp is refused with Kong's per-claim body", async () => {
  const conf = { claims_to_verify: ["exp"] };
  assert.equal(
    (await run(conf, { headers: bearer(await hs({ iss: "hs-key", exp: now() + 60 })) })).response
      .status,
    200,
  );
  await rejects(conf, bearer(await hs({ iss: "hs-key", exp: now() - 1 })), {
    exp: "token expired",
  });
  await rejects(conf, bearer(await hs({ iss: "hs-key" })), { exp: "must be a number" });
  // not verified unless asked
  assert.equal(
    (await run({}, { headers: bearer(await hs({ iss: "hs-key", exp: now() - 1 })) })).response
      .status,
    200,
  );
});

test("claims_to_verify nbf: a token not valid yet is refused", async () => {
  const conf = { claims_to_verify: ["nbf"] };
  await rejects(conf, bearer(await hs({ iss: "hs-key", nbf: now() + 60 })), {
    nbf: "token not valid yet",
  });
  assert.equal(
    (await run(conf, { headers: bearer(await hs({ iss: "hs-key", nbf: now() - 1 })) })).response
      .status,
    200,
  );
});

test("maximum_expiration: an exp too far ahead is refused", async () => {
  const conf = { claims_to_verify: ["exp"], maximum_expiration: 60 };
  await rejects(conf, bearer(await hs({ iss: "hs-key", exp: now() + 3600 })), {
    exp: "exceeds maximum allowed expiration",
  });
  assert.equal(
    (await run(conf, { headers: bearer(await hs({ iss: "hs-key", exp: now() + 30 })) })).response
      .status,
    200,
  );
});

test("uri_param_names, cookie_names, header_names: where the token is looked for", async () => {
  const token = await hs({ iss: "hs-key" });
  assert.equal((await run({}, { query: `jwt=${token}` })).response.status, 200);
  assert.equal(
    (await run({ uri_param_names: ["t"] }, { query: `jwt=${token}` })).response.status,
    401,
  );
  assert.equal(
    (await run({ uri_param_names: ["t"] }, { query: `t=${token}` })).response.status,
    200,
  );
  const cookie = { cookie: `a=1; session=${token}` };
  assert.equal((await run({}, { headers: cookie })).response.status, 401);
  assert.equal(
    (await run({ cookie_names: ["session"] }, { headers: cookie })).response.status,
    200,
  );
  const custom = { "x-token": `Bearer ${token}` };
  assert.equal((await run({}, { headers: custom })).response.status, 401);
  assert.equal(
    (await run({ header_names: ["x-token"] }, { headers: custom })).response.status,
    200,
  );
});

test("two different tokens: 'Multiple tokens provided'; the same token twice is fine", async () => {
  const a = await hs({ iss: "hs-key" });
  const b = await hs({ iss: "hs-key", x: 1 });
  const r = await run({}, { query: `jwt=${a}`, headers: bearer(b) });
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Multiple tokens provided" });
  assert.equal((await run({}, { query: `jwt=${a}`, headers: bearer(a) })).response.status, 200);
});

test("run_on_preflight: false lets OPTIONS through unauthenticated", async () => {
  assert.equal((await run({}, { method: "OPTIONS" })).response.status, 401);
  assert.equal(
    (await run({ run_on_preflight: false }, { method: "OPTIONS" })).response.status,
    200,
  );
});

test("anonymous naming a missing consumer answers 500 naming it, as Kong, not a bypass", async () => {
  const r = await run({ anonymous: "ghost" }, { headers: bearer("junk") });
  assert.equal(r.response.status, 500);
  assert.deepEqual(r.response.json(), {
    message: "anonymous consumer ghost is configured but doesn't exist",
  });
  assert.equal(r.upstreamRequest, undefined);
});

test("anonymous: a failed authentication continues as that consumer; realm sets the realm", async () => {
  const r = await run({ anonymous: "c-anon" }, { headers: bearer("junk") });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Anonymous-Consumer"], "true");
  assert.equal(r.upstreamRequest!.headers["X-Consumer-Username"], "anonymous");
  const realm = await run({ realm: "api" });
  assert.equal(realm.response.header("www-authenticate"), 'Bearer realm="api"');
});

test("config: defaults, and every rejection names the field", () => {
  const ok = validatePluginConfig(jwt, {});
  assert.deepEqual(ok.ok && ok.config, {
    uri_param_names: ["jwt"],
    cookie_names: [],
    header_names: ["authorization"],
    key_claim_name: "iss",
    secret_is_base64: false,
    run_on_preflight: true,
    maximum_expiration: 0,
  });
  assert.deepEqual(errors({ claims_to_verify: ["iat"] }), [
    { path: "config.claims_to_verify[0]", message: "expected one of: exp, nbf" },
  ]);
  assert.deepEqual(errors({ claims_to_verify: ["exp", "exp"] }), [
    { path: "config.claims_to_verify", message: "must not contain duplicates" },
  ]);
  assert.deepEqual(errors({ maximum_expiration: 31536001, claims_to_verify: ["exp"] }), [
    { path: "config.maximum_expiration", message: "value should be between 0 and 31536000" },
  ]);
  assert.deepEqual(errors({ maximum_expiration: 60 }), [
    {
      path: "config.claims_to_verify",
      message: "must contain 'exp' when maximum_expiration is greater than 0",
    },
  ]);
  assert.deepEqual(errors({ header_names: ["bad header"] }), [
    { path: "config.header_names[0]", message: "'bad header' is not a valid header name" },
  ]);
  assert.deepEqual(errors({ key_claim_name: "" }), [
    { path: "config.key_claim_name", message: "must not be empty" },
  ]);
  assert.deepEqual(errors({ uri_param_names: [""] }), [
    { path: "config.uri_param_names[0]", message: "must not be empty" },
  ]);
  assert.equal(errors({ secret_is_base64: 1 })[0]?.path, "config.secret_is_base64");
  assert.equal(errors({ realm: 'x"' })[0]?.message, "must not contain a double quote");
});

test("the authenticated consumer's own plugins apply (consumer-scoped request-termination)", async () => {
  const specs = [
    { name: "jwt", config: {} },
    { name: "request-termination", config: { status_code: 418 }, consumer: "c-alice" },
  ];
  const r = await runChain(specs, builtinCatalog, {
    credentials,
    request: { headers: bearer(await hs({ iss: "hs-key" })) },
  });
  assert.equal(r.response.status, 418);
});
