import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

test("the audit log records actor, action, entity, before/after, request id and the socket's ip", async () => {
  await api("POST", "/api/v1/services", { body: { name: "audited", url: "http://a.internal" } });
  await api("PATCH", "/api/v1/services/audited", {
    body: { retries: 9 },
    headers: { "x-request-id": "req-audit-1", "x-forwarded-for": "192.0.2.10" },
  });
  const r = await api("GET", "/api/v1/audit?request_id=req-audit-1");
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.data.length, 1);
  const [entry] = r.body.data;
  assert.equal(entry.actor, "bootstrap");
  assert.equal(entry.action, "update");
  assert.equal(entry.entity_type, "service");
  assert.equal(entry.before.retries, 5);
  assert.equal(entry.after.retries, 9);
  // a client-sent X-Forwarded-For is not believed (no trusted proxy is configured)
  assert.equal(entry.ip, "127.0.0.1");

  const filtered = await api(
    "GET",
    `/api/v1/audit?entity_type=service&entity_id=${entry.entity_id}&sort_desc=false`,
  );
  assert.deepEqual(
    filtered.body.data.map((e: { action: string }) => e.action),
    ["create", "update"],
  );
  assert.equal((await api("GET", "/api/v1/audit?since=yesterday")).status, 400);
});

test("credential secrets never reach the audit log", async () => {
  await api("POST", "/api/v1/consumers", { body: { username: "gina" } });
  await api("POST", "/api/v1/consumers/gina/key-auth", { body: { key: "gina-very-secret-key" } });
  await api("POST", "/api/v1/consumers/gina/basic-auth", {
    body: { username: "gina", password: "gina-password-123" },
  });
  await api("POST", "/api/v1/users", { body: { username: "hank", password: "hank-password-123" } });
  const log = await api("GET", "/api/v1/audit?size=1000");
  assert.ok(log.body.data.length >= 4);
  assert.ok(!log.text.includes("gina-very-secret-key"));
  assert.ok(!log.text.includes("gina-password-123"));
  assert.ok(!log.text.includes("hank-password-123"));
  assert.ok(!log.text.includes("scrypt"), "not even the hashes");
});

test("errors never carry stack traces or internal messages", async () => {
  const r = await api("PATCH", "/api/v1/services/audited", { body: { port: "eighty" } });
  assert.equal(r.status, 400);
  assert.doesNotMatch(r.text, /\bat [\w.<>]+ \(|node_modules|prisma/i);
  assert.ok(r.headers.get("x-request-id"));
});
