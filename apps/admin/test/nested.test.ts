import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;
let serviceId: string;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  const service = await api("POST", "/api/v1/services", {
    body: { name: "orders", url: "http://orders.internal:8080" },
  });
  serviceId = service.body.id;
});
after(async () => admin?.stop());

test("routes under a service: create, list, get by name, and the service cannot be deleted while it has routes", async () => {
  const created = await api("POST", "/api/v1/services/orders/routes", {
    body: { name: "orders-api", paths: ["/orders"], methods: ["get", "post"], strip_path: false },
  });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(created.body.service, { id: serviceId });
  assert.deepEqual(created.body.methods, ["GET", "POST"]);
  assert.equal(created.body.strip_path, false);

  const list = await api("GET", `/api/v1/services/${serviceId}/routes`);
  assert.deepEqual(
    list.body.data.map((r: { name: string }) => r.name),
    ["orders-api"],
  );
  assert.equal((await api("GET", "/api/v1/services/orders/routes/orders-api")).status, 200);
  assert.equal((await api("GET", "/api/v1/routes/orders-api")).body.id, created.body.id);

  const blocked = await api("DELETE", "/api/v1/services/orders");
  assert.equal(blocked.status, 409, blocked.text);
});

test("a route may point at a service by name, or have none", async () => {
  const byName = await api("POST", "/api/v1/routes", {
    body: { name: "r-by-name", paths: ["/a"], service: { name: "orders" } },
  });
  assert.equal(byName.status, 201, byName.text);
  assert.deepEqual(byName.body.service, { id: serviceId });
  const none = await api("POST", "/api/v1/routes", {
    body: { name: "r-none", hosts: ["example.com"] },
  });
  assert.equal(none.body.service, null);
  const unknown = await api("POST", "/api/v1/routes", {
    body: { paths: ["/b"], service: { id: "nope" } },
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.body.errors, [{ path: "service", message: 'unknown service "nope"' }]);
});

test("targets of a service", async () => {
  const created = await api("POST", "/api/v1/services/orders/targets", {
    body: { target: "10.0.0.1:8080", weight: 50 },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(
    (await api("POST", "/api/v1/services/orders/targets", { body: { target: "10.0.0.1:8080" } }))
      .status,
    409,
  );
  const bad = await api("POST", "/api/v1/services/orders/targets", {
    body: { target: "a:b:c", weight: 70000 },
  });
  assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), [
    "target",
    "weight",
  ]);
  const patched = await api("PATCH", `/api/v1/services/orders/targets/${created.body.id}`, {
    body: { weight: 0 },
  });
  assert.equal(patched.body.weight, 0);
  assert.equal((await api("GET", "/api/v1/services/orders/targets")).body.data.length, 1);
  assert.equal(
    (await api("DELETE", `/api/v1/services/orders/targets/${created.body.id}`)).status,
    204,
  );
});

test("plugins on a route, a service and a consumer; defaults applied; one per scope", async () => {
  const onRoute = await api("POST", "/api/v1/routes/orders-api/plugins", {
    body: { name: "request-termination", config: { status_code: 503 } },
  });
  assert.equal(onRoute.status, 201, onRoute.text);
  assert.equal(onRoute.body.config.status_code, 503);
  assert.equal(onRoute.body.enabled, true);
  assert.equal(onRoute.body.route.id, (await api("GET", "/api/v1/routes/orders-api")).body.id);

  const twice = await api("POST", "/api/v1/routes/orders-api/plugins", {
    body: { name: "request-termination" },
  });
  assert.equal(twice.status, 409, twice.text);

  const onService = await api("POST", "/api/v1/services/orders/plugins", {
    body: { name: "key-auth" },
  });
  assert.equal(onService.status, 201, onService.text);
  assert.deepEqual(onService.body.config.key_names, ["apikey"]);

  await api("POST", "/api/v1/consumers", { body: { username: "bob" } });
  const onConsumer = await api("POST", "/api/v1/consumers/bob/plugins", {
    body: { name: "response-transformer", config: { add: { headers: ["x-bob:1"] } } },
  });
  assert.equal(onConsumer.status, 201, onConsumer.text);
  assert.equal((await api("GET", "/api/v1/consumers/bob/plugins")).body.data.length, 1);
  assert.equal((await api("GET", "/api/v1/plugins")).body.data.length, 3);

  const patched = await api("PATCH", `/api/v1/plugins/${onRoute.body.id}`, {
    body: { config: { message: "down" } },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.config.status_code, 503, "PATCH merges config fields");
  assert.equal(patched.body.config.message, "down");
});

test("key-auth: the key is shown once, stored as a keyed hash, never read back", async () => {
  await api("POST", "/api/v1/consumers", { body: { username: "carol" } });
  const generated = await api("POST", "/api/v1/consumers/carol/key-auth", { body: {} });
  assert.equal(generated.status, 201, generated.text);
  assert.match(generated.body.key, /^gk_/);
  // A generated key's prefix tells it apart from others (10 characters, 7 of them random).
  assert.equal(generated.body.key_prefix, generated.body.key.slice(0, 10));
  const given = await api("POST", "/api/v1/consumers/carol/key-auth", {
    body: { key: "carol-secret-key" },
  });
  assert.equal(given.body.key, "carol-secret-key");
  assert.equal(given.body.key_prefix, "caro");

  const list = await api("GET", "/api/v1/consumers/carol/key-auth");
  assert.equal(list.body.data.length, 2);
  assert.ok(!list.text.includes("carol-secret-key"));
  assert.ok(!list.text.includes(generated.body.key));

  const clash = await api("POST", "/api/v1/consumers/carol/key-auth", {
    body: { key: "carol-secret-key" },
  });
  assert.equal(clash.status, 409);
});

test("basic-auth: the password is hashed and never read back", async () => {
  await api("POST", "/api/v1/consumers", { body: { username: "dave" } });
  const created = await api("POST", "/api/v1/consumers/dave/basic-auth", {
    body: { username: "dave", password: "dave-password-1" },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.password, undefined);
  const read = await api("GET", `/api/v1/consumers/dave/basic-auth/${created.body.id}`);
  assert.ok(!read.text.includes("dave-password-1"));
  const missing = await api("POST", "/api/v1/consumers/dave/basic-auth", {
    body: { username: "dave2" },
  });
  assert.equal(missing.status, 400);
});
