import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

test("a service is created from a url, read by id and by name, updated and deleted", async () => {
  const created = await api("POST", "/api/v1/services", {
    body: { name: "billing", url: "https://billing.internal:8443/v1", tags: ["team-a"] },
  });
  assert.equal(created.status, 201, created.text);
  assert.deepEqual(
    {
      protocol: created.body.protocol,
      host: created.body.host,
      port: created.body.port,
      path: created.body.path,
    },
    { protocol: "https", host: "billing.internal", port: 8443, path: "/v1" },
  );
  assert.equal(created.body.connect_timeout, 60000);
  assert.equal(created.headers.get("etag"), '"1"');

  const byName = await api("GET", "/api/v1/services/billing");
  const byId = await api("GET", `/api/v1/services/${created.body.id}`);
  assert.equal(byName.status, 200);
  assert.deepEqual(byName.body, byId.body);

  const patched = await api("PATCH", "/api/v1/services/billing", {
    body: { retries: 2, path: null },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.retries, 2);
  assert.equal(patched.body.path, null);
  assert.equal(patched.body.host, "billing.internal");
  assert.equal(patched.body.version, 2);

  const deleted = await api("DELETE", "/api/v1/services/billing");
  assert.equal(deleted.status, 204);
  assert.equal((await api("GET", "/api/v1/services/billing")).status, 404);
});
