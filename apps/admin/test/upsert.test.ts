import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

test("PUT to an unknown name creates the entity with that name", async () => {
  const r = await api("PUT", "/api/v1/services/inventory", {
    body: { url: "http://inv.internal:8080", retries: 2 },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.name, "inventory");
  assert.equal(r.body.retries, 2);
});

test("PUT to an existing entity replaces it: fields left out go back to their defaults", async () => {
  const r = await api("PUT", "/api/v1/services/inventory", { body: { host: "inv2.internal" } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.host, "inv2.internal");
  assert.equal(r.body.port, 80);
  assert.equal(r.body.retries, 5);
  assert.equal(r.body.version, 2);
  const missing = await api("PUT", "/api/v1/services/inventory", { body: { retries: 1 } });
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.body.errors, [{ path: "host", message: 'is required (or set "url")' }]);
});

test("PUT honours If-Match and nested scopes", async () => {
  assert.equal(
    (
      await api("PUT", "/api/v1/services/inventory", {
        body: { host: "x.internal" },
        headers: { "if-match": '"1"' },
      })
    ).status,
    409,
  );
  const route = await api("PUT", "/api/v1/services/inventory/routes/inv-route", {
    body: { paths: ["/inv"] },
  });
  assert.equal(route.status, 201, route.text);
  assert.equal(route.body.name, "inv-route");
  const again = await api("PUT", "/api/v1/services/inventory/routes/inv-route", {
    body: { paths: ["/inv2"] },
  });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.body.service, route.body.service, "the path's service stays");
  assert.deepEqual(again.body.paths, ["/inv2"]);
});
