import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import { validateDeclarative } from "@gatehouse/config";
import { pluginCatalog } from "../src/config/catalog.js";
import { buildCredentials } from "../src/config/credentials.js";

function lookup(consumers: unknown[]) {
  const r = validateDeclarative(
    { _format_version: "3.0", consumers },
    { plugins: pluginCatalog(new Map()) },
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return buildCredentials(r.config, undefined);
}

test("basic-auth credentials are found by username with their password or password hash", () => {
  const l = lookup([
    {
      username: "alice",
      custom_id: "A1",
      basicauth_credentials: [{ username: "al", password: "pw" }],
    },
    { username: "bob", basicauth_credentials: [{ username: "bo", password_hash: "$scrypt$x" }] },
  ]);
  const a = l.basicAuth?.("al");
  assert.equal(a?.consumer.username, "alice");
  assert.equal(a?.consumer.customId, "A1");
  assert.equal(a?.credential.password, "pw");
  assert.equal(a?.credential.passwordHash, null);
  assert.equal(l.basicAuth?.("bo")?.credential.passwordHash, "$scrypt$x");
  assert.equal(l.basicAuth?.("alice"), undefined, "by credential username, not consumer username");
});

test("jwt secrets are found by key with algorithm, secret and public key", () => {
  const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .publicKey.export({ type: "spki", format: "pem" })
    .toString();
  const l = lookup([
    {
      username: "alice",
      jwt_secrets: [
        { key: "iss-1", secret: "s" },
        { key: "iss-2", algorithm: "RS256", rsa_public_key: rsaPem },
      ],
    },
  ]);
  const hs = l.jwtSecret?.("iss-1");
  assert.equal(hs?.consumer.username, "alice");
  assert.deepEqual(
    [hs?.credential.key, hs?.credential.algorithm, hs?.credential.secret],
    ["iss-1", "HS256", "s"],
  );
  const rs = l.jwtSecret?.("iss-2")?.credential;
  assert.deepEqual([rs?.algorithm, rs?.rsaPublicKey], ["RS256", rsaPem]);
  assert.equal(l.jwtSecret?.("nope"), undefined);
});

test("a consumer's ACL groups, by consumer id; none for a consumer without acls", () => {
  const l = lookup([
    { username: "alice", acls: [{ group: "admins" }, { group: "ops" }] },
    { username: "bob" },
  ]);
  const alice = l.consumer?.("alice");
  const bob = l.consumer?.("bob");
  assert.deepEqual(l.consumerGroups?.(alice!.id), ["admins", "ops"]);
  assert.equal(l.consumerGroups?.(bob!.id), undefined);
});
