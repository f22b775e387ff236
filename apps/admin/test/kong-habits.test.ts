// Kong Admin API habits: /tags, a 409 on delete that names the blockers, form-urlencoded bodies
// with dotted keys.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

const form = (text: string) => ({
  raw: text,
  headers: { "content-type": "application/x-www-form-urlencoded" },
});

test("GET /tags and /tags/{tag} list tagged entities in Kong's shape", async () => {
  const svc = await api("POST", "/api/v1/services", {
    body: { name: "tagged-svc", url: "http://tagged.internal", tags: ["team-a", "prod"] },
  });
  assert.equal(svc.status, 201, svc.text);
  const route = await api("POST", "/api/v1/services/tagged-svc/routes", {
    body: { name: "tagged-route", paths: ["/tagged"], tags: ["team-a"] },
  });
  assert.equal(route.status, 201, route.text);
  const consumer = await api("POST", "/api/v1/consumers", {
    body: { username: "tagged-user", tags: ["prod"] },
  });
  assert.equal(consumer.status, 201, consumer.text);

  const all = await api("GET", "/api/v1/tags");
  assert.equal(all.status, 200, all.text);
  assert.deepEqual(all.body.data, [
    { entity_name: "consumers", entity_id: consumer.body.id, tag: "prod" },
    { entity_name: "services", entity_id: svc.body.id, tag: "prod" },
    { entity_name: "routes", entity_id: route.body.id, tag: "team-a" },
    { entity_name: "services", entity_id: svc.body.id, tag: "team-a" },
  ]);
  assert.equal(all.body.next, null);

  const one = await api("GET", "/api/v1/tags/team-a");
  assert.equal(one.status, 200);
  assert.deepEqual(
    one.body.data.map((r: { entity_name: string }) => r.entity_name),
    ["routes", "services"],
  );
  // pages like every list (size + offset cursor)
  const first = await api("GET", "/api/v1/tags?size=3");
  assert.equal(first.body.data.length, 3);
  assert.ok(first.body.offset);
  const second = await api("GET", first.body.next);
  assert.deepEqual(second.body.data, all.body.data.slice(3));
  assert.deepEqual((await api("GET", "/api/v1/tags/nobody-uses-this")).body.data, []);
  assert.equal((await api("GET", "/api/v1/tags", { token: null })).status, 401);
});

test("deleting a service that routes still use: 409 naming those routes, nothing deleted", async () => {
  await api("POST", "/api/v1/services", { body: { name: "busy", url: "http://busy.internal" } });
  for (const name of ["busy-b", "busy-a"]) {
    const r = await api("POST", "/api/v1/services/busy/routes", {
      body: { name, paths: [`/${name}`] },
    });
    assert.equal(r.status, 201, r.text);
  }
  const refused = await api("DELETE", "/api/v1/services/busy");
  assert.equal(refused.status, 409);
  assert.equal(
    refused.body.message,
    'the service "busy" is still used by routes "busy-a", "busy-b": delete or move them first',
  );
  assert.deepEqual(refused.body.errors, [
    { path: "routes", message: 'still referenced by "busy-a", "busy-b"' },
  ]);
  assert.equal((await api("GET", "/api/v1/services/busy")).status, 200);
});

test("form-urlencoded bodies with Kong's dotted keys and array forms are accepted", async () => {
  const svc = await api(
    "POST",
    "/api/v1/services",
    form("name=form-svc&url=http://form.internal:8080&retries=3&tags[]=a&tags[]=b"),
  );
  assert.equal(svc.status, 201, svc.text);
  assert.equal(svc.body.port, 8080);
  assert.equal(svc.body.retries, 3);
  assert.deepEqual(svc.body.tags, ["a", "b"]);

  // Kong's three array forms: `[]`, `[n]` (ordered by n) and a repeated key
  const route = await api(
    "POST",
    "/api/v1/services/form-svc/routes",
    form(
      "name=form-route&paths[2]=/second&paths[1]=/first&methods=GET&methods=POST&strip_path=false",
    ),
  );
  assert.equal(route.status, 201, route.text);
  assert.deepEqual(route.body.paths, ["/first", "/second"]);
  assert.deepEqual(route.body.methods, ["GET", "POST"]);
  assert.equal(route.body.strip_path, false);

  const plugin = await api(
    "POST",
    "/api/v1/routes/form-route/plugins",
    form("name=rate-limiting&config.minute=5&config.policy=local&config.hour="),
  );
  assert.equal(plugin.status, 201, plugin.text);
  assert.equal(plugin.body.config.minute, 5);
  assert.equal(plugin.body.config.hour, null);
  assert.equal(plugin.body.config.policy, "local");

  const ip = await api(
    "POST",
    "/api/v1/services/form-svc/plugins",
    form("name=ip-restriction&config.allow=10.0.0.0/8"),
  );
  assert.equal(ip.status, 201, ip.text);
  assert.deepEqual(
    ip.body.config.allow,
    ["10.0.0.0/8"],
    "one value for an array field is a one-element array",
  );

  const patched = await api("PATCH", "/api/v1/services/form-svc", form("read_timeout=5000"));
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.read_timeout, 5000);

  // a bad form value is a 400 naming the field (never a 500)
  const bad = await api("PATCH", "/api/v1/services/form-svc", form("port=eighty"));
  assert.equal(bad.status, 400, bad.text);
  assert.ok(
    bad.body.errors.some((e: { path: string }) => e.path.endsWith("port")),
    bad.text,
  );
});
