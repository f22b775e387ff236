import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin, tokenFor } from "./helpers/admin.js";

// rate-limiting marks config.redis.password secret (`.meta({ secret: true })`), and Kong's deprecated
// flat redis_password too (accepted on input, moved into redis.password before it is stored).
const PASSWORD = "redis-pa55word-xyz";
const config = { minute: 10, policy: "redis", redis: { host: "127.0.0.1", password: PASSWORD } };

let admin: Admin;
let api: ReturnType<typeof client>;
let pluginId: string;

const plain = async () =>
  (await api("GET", "/api/v1/config/export?format=json&include_secrets=true")).body;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  const created = await api("POST", "/api/v1/plugins", { body: { name: "rate-limiting", config } });
  assert.equal(created.status, 201, created.text);
  pluginId = created.body.id;
});
after(async () => admin?.stop());

test("the catalog names the secret fields", async () => {
  const catalog = await api("GET", "/api/v1/catalog");
  const rl = catalog.body.data.find((p: { name: string }) => p.name === "rate-limiting");
  assert.deepEqual(rl.secret_fields, ["redis.password", "redis_password"]);
});

test("secret fields are masked in every read: create response, get, list, versions, export", async () => {
  const reads = [
    await api("GET", `/api/v1/plugins/${pluginId}`),
    await api("GET", "/api/v1/plugins"),
    await api("GET", "/api/v1/config/export?format=json"),
    await api("GET", "/api/v1/config/export"),
    await api(
      "GET",
      `/api/v1/config/versions/${(await api("GET", "/api/v1/config/versions")).body.data[0].version}`,
    ),
  ];
  for (const r of reads) {
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(PASSWORD), r.text.slice(0, 200));
    assert.ok(r.text.includes("********"));
  }
  assert.equal(reads[0]?.body.config.redis.host, "127.0.0.1", "other fields are shown");
});

test("the audit log never holds the secret", async () => {
  const log = await api("GET", "/api/v1/audit?entity_type=plugin");
  assert.ok(log.body.data.length >= 1);
  assert.ok(!log.text.includes(PASSWORD));
});

test("sending the mask back keeps the stored secret; a new value replaces it", async () => {
  const read = await api("GET", `/api/v1/plugins/${pluginId}`);
  const patched = await api("PATCH", `/api/v1/plugins/${pluginId}`, {
    body: { config: { ...read.body.config, minute: 20 } },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await plain()).plugins[0].config.redis.password, PASSWORD);
  assert.equal((await plain()).plugins[0].config.minute, 20);

  await api("PATCH", `/api/v1/plugins/${pluginId}`, {
    body: { config: { redis: { host: "127.0.0.1", password: "new-secret-1" } } },
  });
  assert.equal((await plain()).plugins[0].config.redis.password, "new-secret-1");
});

test("include_secrets is for admins only", async () => {
  const editor = client(admin, await tokenFor(admin, "editor"));
  assert.equal((await editor("GET", "/api/v1/config/export?include_secrets=true")).status, 403);
  assert.equal((await editor("GET", "/api/v1/config/export")).status, 200);
});

test("importing a masked export keeps existing secrets and refuses masks it cannot resolve", async () => {
  const masked = (await api("GET", "/api/v1/config/export?format=json")).body;
  const same = await api("POST", "/api/v1/config/import", { body: masked });
  assert.equal(same.status, 200, same.text);
  assert.equal((await plain()).plugins[0].config.redis.password, "new-secret-1");

  const other = structuredClone(masked);
  other.plugins[0].id = "5f0c3a8e-0000-4000-8000-000000000001";
  other.plugins[0].name = "rate-limiting";
  other.services = [
    { name: "s1", url: "http://s1.internal", plugins: [structuredClone(masked.plugins[0])] },
  ];
  delete other.services[0].plugins[0].id;
  const refused = await api("POST", "/api/v1/config/import?mode=partial", { body: other });
  assert.equal(refused.status, 400, refused.text);
  assert.deepEqual(
    refused.body.errors.map((e: { path: string }) => e.path),
    ["services[0].plugins[0].config.redis.password"],
  );
});
