import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

const doc = (routes: number, prefix: string) => ({
  _format_version: "3.0",
  services: [
    {
      name: "bulk",
      url: "http://bulk.internal",
      routes: Array.from({ length: routes }, (_, i) => ({
        name: `${prefix}${i}`,
        paths: [`/${prefix}${i}`],
      })),
    },
  ],
});

test("a large import is one transaction and one summarised audit entry", async () => {
  const started = Date.now();
  const r = await api("POST", "/api/v1/config/import", { body: doc(2000, "a") });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.diff.routes.added.length, 2000);
  assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);

  const audit = await api("GET", `/api/v1/audit?request_id=${r.headers.get("x-request-id")}`);
  assert.equal(audit.body.data.length, 1);
  assert.equal(audit.body.data[0].action, "import");
  assert.equal(audit.body.data[0].after.counts["route.create"], 2000);
  assert.equal(audit.body.data[0].after.entities.length, 2001);
});

test("a sync import replacing every route deletes and creates in one go", async () => {
  const r = await api("POST", "/api/v1/config/import", { body: doc(1500, "b") });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.diff.routes.deleted.length, 2000);
  assert.equal(r.body.diff.routes.added.length, 1500);
  const list = await api("GET", "/api/v1/services/bulk/routes?size=1&q=a1");
  assert.equal(list.body.data.length, 0);
});
