// Every route handler under src/app/api/v1 and every server action, found by walking the source:
// anonymous callers get 401, viewers get 403 on every write. A new handler is covered automatically.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { adminDir, client, startAdmin, tokenFor } from "./helpers/admin.js";
import { concrete, endpoints, walk } from "./helpers/endpoints.js";

/** Public by design: signing in, and the API's description (OpenAPI). */
const PUBLIC = new Set(["POST /api/v1/auth/login", "GET /api/v1/openapi.json"]);
/**
 * Data-plane endpoints: only the cluster token opens them (user tokens, even admins', get 401).
 * They use withClusterAuth instead of withAuth.
 */
const isClusterRoute = (path: string) => path.startsWith("/api/v1/dataplane/");
/** Writes a viewer may make: ending their own session, changing their own password. */
const VIEWER_WRITES = new Set(["POST /api/v1/auth/logout", "POST /api/v1/auth/password"]);

let admin: Admin;
let viewer: string;

before(async () => {
  admin = await startAdmin();
  viewer = await tokenFor(admin, "viewer");
});
after(async () => admin?.stop());

test("the enumeration finds the handlers (sanity)", () => {
  const all = endpoints().map((e) => `${e.method} ${concrete(e.route)}`);
  assert.ok(all.length > 50, `only ${all.length} endpoints found`);
  for (const expected of [
    "GET /api/v1/services",
    "PATCH /api/v1/services/x",
    "POST /api/v1/config/import",
    "DELETE /api/v1/tokens/x",
  ]) {
    assert.ok(all.includes(expected), expected);
  }
});

test("anonymous → 401 on every route handler", async () => {
  const api = client(admin, null);
  const failures: string[] = [];
  for (const { method, route } of endpoints()) {
    const path = concrete(route);
    if (PUBLIC.has(`${method} ${path}`)) continue;
    const r = await api(method, path, method === "GET" || method === "DELETE" ? {} : { body: {} });
    if (r.status !== 401) failures.push(`${method} ${path} → ${r.status}`);
    else if (r.body?.code !== "unauthorized") failures.push(`${method} ${path} → body ${r.text}`);
  }
  assert.deepEqual(failures, []);
});

test("a viewer → 403 on every write", async () => {
  const api = client(admin, viewer);
  const failures: string[] = [];
  for (const { method, route } of endpoints()) {
    const path = concrete(route);
    const key = `${method} ${path}`;
    if (method === "GET" || PUBLIC.has(key) || VIEWER_WRITES.has(key)) continue;
    const r = await api(method, path, method === "DELETE" ? {} : { body: {} });
    const expected = isClusterRoute(path) ? 401 : 403;
    if (r.status !== expected) failures.push(`${key} → ${r.status}`);
  }
  assert.deepEqual(failures, []);
});

test("a viewer → 403 on the admin-only reads (users, tokens, audit)", async () => {
  const api = client(admin, viewer);
  for (const path of ["/api/v1/users", "/api/v1/tokens", "/api/v1/audit", "/api/v1/users/x"]) {
    assert.equal((await api("GET", path)).status, 403, path);
  }
});

test("there are no server actions, or each is listed here with its check", () => {
  const withActions = walk(join(adminDir, "src"))
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .filter((f) => /^\s*["']use server["']/m.test(readFileSync(f, "utf8")))
    .map((f) => relative(adminDir, f));
  // Server actions would need their own anonymous/viewer checks in this file.
  assert.deepEqual(withActions, []);
});
