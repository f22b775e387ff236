// openid-connect (bearer) through a real gateway, against an identity provider of the test's own
// on loopback (discovery + JWKS, @gatehouse/plugins/testing): consumer headers on success; expired,
// wrong audience, missing scope and unknown kid refused with their messages; key rotation picked up.
import assert from "node:assert/strict";
import { test } from "node:test";
import { signingKey, startIssuer } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

test("openid-connect through a gateway: bearer tokens checked against the issuer's JWKS", async (t) => {
  const idp = await startIssuer([await signingKey("k1", "RS256")]);
  t.after(() => idp.close());
  const up = await echoUpstream(t);
  const config = {
    issuer: idp.url, // JWKS by discovery
    audience_required: ["orders"],
    scopes_required: ["orders:read"],
    consumer_claim: ["sub"],
    rediscovery_lifetime: 0,
    upstream_headers_claims: ["email"],
    upstream_headers_names: ["X-User-Email"],
  };
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "orders",
          url: up,
          routes: [{ paths: ["/orders"], plugins: [{ name: "openid-connect", config }] }],
        },
      ],
      { consumers: [{ username: "alice", custom_id: "A-1" }] },
    ),
  );
  const call = (token?: string) =>
    send(`${gw.url}/orders`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const good = { sub: "alice", aud: "orders", scope: "orders:read", email: "alice@example.com" };

  const ok = await call(await idp.sign(good));
  assert.equal(ok.status, 200, ok.text);
  const seen = (ok.json() as { headers: Record<string, string> }).headers;
  assert.equal(seen["x-consumer-username"], "alice");
  assert.equal(seen["x-consumer-custom-id"], "A-1");
  assert.equal(seen["x-credential-identifier"], "alice");
  assert.equal(seen["x-user-email"], "alice@example.com");
  assert.equal(idp.hits.discovery, 1);

  const none = await call();
  assert.equal(none.status, 401);
  assert.equal(none.headers["www-authenticate"], 'Bearer realm="gatehouse"');

  const refusals: [Record<string, unknown>, number, string][] = [
    [{ exp: Math.floor(Date.now() / 1000) - 60 }, 401, "Invalid token: expired (exp)"],
    [{ aud: "billing" }, 403, "Forbidden: the token's audience (aud) is not allowed"],
    [{ scope: "orders:write" }, 403, "Forbidden: the token lacks the required scopes"],
    [{ sub: "mallory" }, 403, "Forbidden: no consumer matches the token"],
  ];
  for (const [claims, status, message] of refusals) {
    const r = await call(await idp.sign({ ...good, ...claims }));
    assert.equal(r.status, status, `${message}: ${r.text}`);
    assert.deepEqual(r.json(), { message });
  }
  const stranger = await signingKey("unknown-kid", "ES256");
  const unknown = await call(await idp.sign(good, stranger));
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.json(), {
    message: "Invalid token: no key of the issuer's JWKS matches its kid",
  });
  assert.equal(
    unknown.headers["www-authenticate"],
    'Bearer realm="gatehouse", error="invalid_token"',
  );

  // rotation: the provider now signs with a new key; its first token makes the gateway refetch
  const rotated = await signingKey("k2", "EdDSA");
  idp.keys = [rotated];
  const before = idp.hits.jwks;
  const fresh = await call(await idp.sign(good, rotated));
  assert.equal(fresh.status, 200, fresh.text);
  assert.equal(idp.hits.jwks, before + 1);
});
