// Viewers read credential hashes (issue 9, item 11): key-auth key hashes, basic-auth password hashes
// and jwt secrets are masked in every export and version snapshot unless an admin asks for them.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { AdminApi } from "./helpers/admin.js";
import { client, startAdmin, tokenFor } from "./helpers/admin.js";
import type { Admin } from "./helpers/admin.js";

const MASK = "********";
const KEY = "alice-key-0123456789";
const PASSWORD = "alice-password-1";
const JWT_SECRET = "alice-jwt-secret-0123456789";

interface Roles {
  admin: AdminApi;
  viewer: AdminApi;
  editor: AdminApi;
  otherAdmin: AdminApi;
}

let server: Admin | undefined;
let roles: Roles | undefined;
const setup = async (): Promise<Roles> => {
  if (roles) return roles;
  server = await startAdmin();
  const admin = client(server);
  for (const [path, body] of [
    ["/api/v1/consumers", { username: "alice" }],
    ["/api/v1/consumers/alice/key-auth", { key: KEY }],
    ["/api/v1/consumers/alice/basic-auth", { username: "alice", password: PASSWORD }],
    ["/api/v1/consumers/alice/jwt", { key: "alice-iss", secret: JWT_SECRET }],
  ] as const) {
    const r = await admin("POST", path, { body });
    assert.equal(r.status, 201, r.text);
  }
  roles = {
    admin,
    viewer: client(server, await tokenFor(server, "viewer")),
    editor: client(server, await tokenFor(server, "editor")),
    otherAdmin: client(server, await tokenFor(server, "admin")),
  };
  return roles;
};
test.after(async () => server?.stop());

type Credentials = {
  keyauth_credentials: { key_hash: string }[];
  basicauth_credentials: { password_hash: string }[];
  jwt_secrets: { secret?: string }[];
};
const alice = (doc: { consumers: (Credentials & { username: string })[] }) => {
  const found = doc.consumers.find((c) => c.username === "alice");
  assert.ok(found, "alice is in the document");
  return found;
};
const secretsOf = (c: Credentials) => ({
  key_hash: c.keyauth_credentials[0]?.key_hash,
  password_hash: c.basicauth_credentials[0]?.password_hash,
  jwt_secret: c.jwt_secrets[0]?.secret,
});
const masked = { key_hash: MASK, password_hash: MASK, jwt_secret: MASK };

async function latestVersion(api: AdminApi): Promise<number> {
  return (await api("GET", "/api/v1/config/versions")).body.data[0].version as number;
}

test("viewer and editor read credential hashes masked in the export and in version snapshots", async () => {
  const { viewer, editor } = await setup();
  for (const api of [viewer, editor]) {
    const json = await api("GET", "/api/v1/config/export?format=json");
    assert.equal(json.status, 200, json.text);
    assert.deepEqual(secretsOf(alice(json.body)), masked);
    const yaml = await api("GET", "/api/v1/config/export");
    assert.equal(yaml.status, 200);
    assert.doesNotMatch(yaml.text, /\$scrypt|[0-9a-f]{64}/, "no hash in the YAML export");
    assert.ok(!yaml.text.includes(JWT_SECRET));
    const version = await api("GET", `/api/v1/config/versions/${await latestVersion(api)}`);
    assert.equal(version.status, 200, version.text);
    assert.deepEqual(secretsOf(alice(version.body.snapshot)), masked);
    assert.doesNotMatch(JSON.stringify(version.body.snapshot), /\$scrypt|"[0-9a-f]{64}"/);
  }
});

test("viewer and editor asking for secrets (include_secrets=true) get 403", async () => {
  const { viewer, editor } = await setup();
  const v = await latestVersion(viewer);
  for (const api of [viewer, editor]) {
    for (const path of [
      "/api/v1/config/export?include_secrets=true",
      `/api/v1/config/versions/${v}?include_secrets=true`,
    ]) {
      const r = await api("GET", path);
      assert.equal(r.status, 403, `${path}: ${r.text}`);
      assert.equal(r.body.message, "include_secrets=true needs the admin role");
    }
  }
});

test("an admin without the flag gets them masked; with include_secrets=true, in clear", async () => {
  const { otherAdmin } = await setup();
  const plain = await otherAdmin("GET", "/api/v1/config/export?format=json");
  assert.deepEqual(secretsOf(alice(plain.body)), masked);
  const withSecrets = await otherAdmin(
    "GET",
    "/api/v1/config/export?format=json&include_secrets=true",
  );
  const secrets = secretsOf(alice(withSecrets.body));
  assert.match(secrets.key_hash ?? "", /^[0-9a-f]{64}$/);
  assert.match(secrets.password_hash ?? "", /^\$scrypt\$/);
  assert.equal(secrets.jwt_secret, JWT_SECRET);
  const v = await latestVersion(otherAdmin);
  const version = await otherAdmin("GET", `/api/v1/config/versions/${v}?include_secrets=true`);
  assert.deepEqual(secretsOf(alice(version.body.snapshot)), secrets);
  const bad = await otherAdmin("GET", "/api/v1/config/export?include_secrets=yes");
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.errors, [
    { path: "include_secrets", message: "must be true or false" },
  ]);
});

test("a masked export re-imported keeps every stored credential: nothing lost", async () => {
  const { admin, editor } = await setup();
  const before = secretsOf(
    alice((await admin("GET", "/api/v1/config/export?format=json&include_secrets=true")).body),
  );
  const doc = (await editor("GET", "/api/v1/config/export?format=json")).body;
  assert.deepEqual(secretsOf(alice(doc)), masked);

  const validated = await editor("POST", "/api/v1/config/validate", { body: doc });
  assert.equal(validated.status, 200, validated.text);
  const dry = await editor("POST", "/api/v1/config/import?dry_run=true", { body: doc });
  assert.equal(dry.status, 200, dry.text);
  for (const type of ["keyauth_credentials", "basicauth_credentials", "jwt_secrets"]) {
    assert.deepEqual(dry.body.diff[type], { added: [], changed: [], deleted: [] }, type);
  }
  const imported = await editor("POST", "/api/v1/config/import", { body: doc });
  assert.equal(imported.status, 200, imported.text);
  assert.equal(imported.body.version, null, "nothing changed, no new version");
  const after = secretsOf(
    alice((await admin("GET", "/api/v1/config/export?format=json&include_secrets=true")).body),
  );
  assert.deepEqual(after, before);
});

test("a masked hash with no stored credential to keep is refused, naming the field", async () => {
  const { editor, admin } = await setup();
  const doc = (await editor("GET", "/api/v1/config/export?format=json")).body;
  // alice's credentials (same id, same username) claimed by another consumer: the stored hashes
  // are alice's and stay hers
  const aliceKey = alice(doc).keyauth_credentials[0] as { id?: string };
  doc.consumers.push({
    username: "bob",
    keyauth_credentials: [{ id: aliceKey.id, key_hash: MASK }],
    basicauth_credentials: [{ username: "alice", password_hash: MASK }],
  });
  const refused = await editor("POST", "/api/v1/config/import", { body: doc });
  assert.equal(refused.status, 400, refused.text);
  const i = doc.consumers.length - 1;
  assert.deepEqual(refused.body.errors, [
    {
      path: `consumers[${i}].keyauth_credentials[0].key_hash`,
      message: "is masked: give the real value (export with include_secrets=true)",
    },
    {
      path: `consumers[${i}].basicauth_credentials[0].password_hash`,
      message: "is masked: give the real value (export with include_secrets=true)",
    },
  ]);
  assert.equal((await admin("GET", "/api/v1/consumers/bob")).status, 404, "nothing imported");
});

test("a masked jwt secret moved to another consumer is refused: a mask never moves a secret", async () => {
  const { editor } = await setup();
  const doc = (await editor("GET", "/api/v1/config/export?format=json")).body;
  const owner = alice(doc);
  doc.consumers.push({ username: "carol", jwt_secrets: owner.jwt_secrets });
  owner.jwt_secrets = [];
  const refused = await editor("POST", "/api/v1/config/import", { body: doc });
  assert.equal(refused.status, 400, refused.text);
  assert.deepEqual(refused.body.errors, [
    {
      path: `consumers[${doc.consumers.length - 1}].jwt_secrets[0].secret`,
      message: "is masked: give the real value (export with include_secrets=true)",
    },
  ]);
});
