// openid-connect (bearer): tokens signed here, verified against a JWKS server of the tests' own on
// loopback (issuer.test-helper.ts).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { CredentialLookup } from "@gatehouse/plugin-kit";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { openidConnect } from "../index.js";
import type { Issuer, SigningKey } from "./test-issuer.js";
import { signingKey, startIssuer } from "./test-issuer.js";

const alice = { id: "c-alice", username: "alice", customId: "A-1" };
const anon = { id: "c-anon", username: "anonymous", customId: null };
const credentials: CredentialLookup = {
  consumer: (v) => [alice, anon].find((c) => c.id === v || c.username === v || c.customId === v),
};
let idp: Issuer;
let first: SigningKey;
before(async () => {
  first = await signingKey("k1");
  idp = await startIssuer([first]);
});
after(() => idp.close());

const run = (config: Record<string, unknown>, token?: string) =>
  runPlugin(openidConnect, config, {
    credentials,
    request: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
const base = () => ({ issuer: idp.url, jwks_uri: idp.jwksUri });
const now = () => Math.floor(Date.now() / 1000);

async function refused(
  config: Record<string, unknown>,
  token: string | undefined,
  status: number,
  message: string,
  www?: string,
) {
  const r = await run(config, token);
  assert.equal(r.response.status, status, r.response.text);
  assert.deepEqual(r.response.json(), { message });
  if (www !== undefined) assert.equal(r.response.header("www-authenticate"), www);
  return r;
}

test("a valid token passes with Kong's consumer headers and the claim headers", async () => {
  const token = await idp.sign({
    sub: "alice",
    aud: "orders",
    scope: "orders:read profile",
    email: "a@x",
  });
  const r = await run(
    {
      ...base(),
      audience_required: ["orders"],
      scopes_required: ["orders:read"],
      consumer_claim: ["sub"],
      upstream_headers_claims: ["email"],
      upstream_headers_names: ["X-User-Email"],
    },
    token,
  );
  assert.equal(r.response.status, 200, r.response.text);
  const h = r.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-ID"], "c-alice");
  assert.equal(h["X-Consumer-Username"], "alice");
  assert.equal(h["X-Consumer-Custom-ID"], "A-1");
  assert.equal(h["X-Credential-Identifier"], "alice");
  assert.equal(h["X-User-Email"], "a@x");
  assert.equal(r.tx.consumer?.id, "c-alice");
});

test("no bearer token: 401 Unauthorized with WWW-Authenticate Bearer", async () => {
  await refused(base(), undefined, 401, "Unauthorized", 'Bearer realm="gatehouse"');
});

test("expired token: 401 'Invalid token: expired (exp)'; leeway tolerates skew", async () => {
  const token = await idp.sign({ exp: now() - 30 });
  await refused(
    base(),
    token,
    401,
    "Invalid token: expired (exp)",
    'Bearer realm="gatehouse", error="invalid_token"',
  );
  assert.equal((await run({ ...base(), leeway: 60 }, token)).response.status, 200);
  const early = await idp.sign({ nbf: now() + 120 });
  await refused(base(), early, 401, "Invalid token: not valid yet (nbf)");
});

test("wrong issuer: 401 'Invalid token: issuer (iss) does not match'", async () => {
  const token = await idp.sign({ iss: "https://elsewhere.example" });
  await refused(base(), token, 401, "Invalid token: issuer (iss) does not match");
});

test("wrong audience: 403 'Forbidden: the token's audience (aud) is not allowed'", async () => {
  const token = await idp.sign({ aud: ["billing", "other"] });
  const config = { ...base(), audience_required: ["orders", "shop"] };
  await refused(config, token, 403, "Forbidden: the token's audience (aud) is not allowed");
  assert.equal((await run(config, await idp.sign({ aud: ["x", "shop"] }))).response.status, 200);
});

test('missing scope: 403 with error="insufficient_scope"; one of the scope sets suffices', async () => {
  const config = { ...base(), scopes_required: ["orders:read orders:write", "admin"] };
  await refused(
    config,
    await idp.sign({ scope: "orders:read" }),
    403,
    "Forbidden: the token lacks the required scopes",
    'Bearer realm="gatehouse", error="insufficient_scope"',
  );
  assert.equal(
    (await run(config, await idp.sign({ scope: "orders:write orders:read" }))).response.status,
    200,
  );
  assert.equal((await run(config, await idp.sign({ scp: ["admin"] }))).response.status, 200);
});

test("unknown kid: 401 naming the JWKS; a forged signature: 'bad signature'; HS256 refused", async () => {
  const stranger = await signingKey("nobody-knows");
  await refused(
    base(),
    await idp.sign({}, stranger),
    401,
    "Invalid token: no key of the issuer's JWKS matches its kid",
  );
  const forged = await idp.sign({}, { ...stranger, kid: "k1" });
  await refused(base(), forged, 401, "Invalid token: bad signature");
  const hs = await idp
    .sign({}, { ...first, alg: "HS256", privateKey: undefined as never })
    .catch(() => undefined);
  assert.equal(hs, undefined, "cannot sign HS256 with an RSA key: built by hand below");
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const hmac = `${b64({ alg: "HS256", kid: "k1" })}.${b64({ iss: idp.url })}.c2ln`;
  await refused(
    base(),
    hmac,
    401,
    "Invalid token: algorithm not allowed (RS, PS, ES 256/384/512 or EdDSA)",
  );
  await refused(base(), "not-a-jwt", 401, "Invalid token: not a signed JWT");
});

test("JWKS rotation is picked up: a new kid triggers a refetch, rate-limited by rediscovery_lifetime", async () => {
  const rot = await startIssuer([await signingKey("old", "ES256")]);
  try {
    const config = { issuer: rot.url, jwks_uri: rot.jwksUri, rediscovery_lifetime: 0 };
    assert.equal((await run(config, await rot.sign({}))).response.status, 200);
    assert.equal(rot.hits.jwks, 1);
    const next = await signingKey("new", "EdDSA");
    rot.keys = [next];
    assert.equal((await run(config, await rot.sign({}, next))).response.status, 200);
    assert.equal(rot.hits.jwks, 2, "one refetch for the new kid");

    // rate limit: within rediscovery_lifetime an unknown kid does not fetch again
    const limited = { ...config, rediscovery_lifetime: 3600 };
    assert.equal((await run(limited, await rot.sign({}, next))).response.status, 200);
    const fetched = rot.hits.jwks;
    const ghost = await signingKey("ghost");
    for (let i = 0; i < 5; i++) {
      const r = await run(limited, await rot.sign({}, ghost));
      assert.equal(r.response.status, 401);
    }
    assert.equal(rot.hits.jwks, fetched, "no refetch during the cool-down");
  } finally {
    await rot.close();
  }
});

test("discovery: the JWKS URL comes from <issuer>/.well-known/openid-configuration", async () => {
  const disc = await startIssuer([await signingKey("d1", "PS256")]);
  try {
    const r = await run({ issuer: `${disc.url}/` }, await disc.sign({}));
    assert.equal(r.response.status, 200, r.response.text);
    assert.equal(disc.hits.discovery, 1);
    assert.equal(disc.hits.jwks, 1);
  } finally {
    await disc.close();
  }
  // an issuer that is down: 503, no anonymous fallback, not a 500
  const down = await run(
    { issuer: disc.url, anonymous: "anonymous", timeout: 2000 },
    await disc.sign({}),
  );
  assert.equal(down.response.status, 503);
  assert.deepEqual(down.response.json(), { message: "The issuer's signing keys are unavailable" });
});

test("consumer_claim: no matching consumer is a 403 unless consumer_optional; consumer_by restricts fields", async () => {
  const config = { ...base(), consumer_claim: ["sub"] };
  await refused(
    config,
    await idp.sign({ sub: "mallory" }),
    403,
    "Forbidden: no consumer matches the token",
  );
  const optional = await run(
    { ...config, consumer_optional: true },
    await idp.sign({ sub: "mallory" }),
  );
  assert.equal(optional.response.status, 200);
  assert.equal(optional.upstreamRequest!.headers["X-Credential-Identifier"], "mallory");
  assert.equal(optional.upstreamRequest!.headers["X-Consumer-ID"], undefined);
  const byId = { ...config, consumer_by: ["id"] };
  await refused(
    byId,
    await idp.sign({ sub: "alice" }),
    403,
    "Forbidden: no consumer matches the token",
  );
  assert.equal((await run(byId, await idp.sign({ sub: "c-alice" }))).response.status, 200);
  const nested = await run(
    { ...base(), consumer_claim: ["user", "name"] },
    await idp.sign({ user: { name: "A-1" } }),
  );
  assert.equal(nested.upstreamRequest!.headers["X-Consumer-Username"], "alice");
});

test("anonymous: a failed authentication continues as that consumer", async () => {
  const r = await run({ ...base(), anonymous: "anonymous" }, await idp.sign({ exp: now() - 600 }));
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Anonymous-Consumer"], "true");
  assert.equal(r.upstreamRequest!.headers["X-Consumer-Username"], "anonymous");
});

test("config: issuer required, URLs checked, header names paired with claims", () => {
  const errors = (raw: unknown) => {
    const r = validatePluginConfig(openidConnect, raw);
    return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
  };
  assert.deepEqual(errors({}), ["config.issuer: required field missing"]);
  assert.deepEqual(errors({ issuer: "nope" }), ["config.issuer: missing host in url"]);
  assert.deepEqual(errors({ issuer: "ftp://x" }), [
    "config.issuer: unsupported scheme: use http or https",
  ]);
  assert.deepEqual(errors({ issuer: "https://x", upstream_headers_claims: ["email"] }), [
    "config.upstream_headers_names: must have as many entries as upstream_headers_claims",
  ]);
  assert.deepEqual(errors({ issuer: "https://x", consumer_by: ["email"] }), [
    "config.consumer_by[0]: expected one of: id, username, custom_id",
  ]);
  const ok = validatePluginConfig(openidConnect, { issuer: "https://x" });
  assert.ok(ok.ok);
  assert.deepEqual(ok.ok && ok.config.consumer_by, ["username", "custom_id"]);
});
