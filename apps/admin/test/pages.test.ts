import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;
let cookie: string;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  await api("POST", "/api/v1/users", {
    body: { username: "reader", password: "reader-password-1", role: "viewer" },
  });
  const login = await api("POST", "/api/v1/auth/login", {
    token: null,
    body: { username: "reader", password: "reader-password-1" },
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
});
after(async () => admin?.stop());

test("pages need a session: anonymous visitors are sent to the login page", async () => {
  for (const path of ["/services", "/api-reference"]) {
    const r = await api("GET", path, { token: null });
    assert.ok([303, 307].includes(r.status), `${path}: ${r.status}`);
    assert.equal(r.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
  const login = await api("GET", "/login", { token: null });
  assert.equal(login.status, 200);
  assert.match(login.text, /<h1>Sign in<\/h1>/);
  assert.match(login.text, /autoComplete="current-password"|autocomplete="current-password"/);
});

test("the API reference renders the OpenAPI document, with no assets from other hosts", async () => {
  const r = await api("GET", "/api-reference", { token: null, headers: { cookie } });
  assert.equal(r.status, 200);
  assert.match(r.text, /Gatehouse admin API/);
  assert.match(r.text, /\/api\/v1\/services\/\{service\}\/routes/);
  assert.match(r.text, /ServiceInput/);
  assert.match(r.text, /role: <!-- -->editor|role: editor/);
  assert.doesNotMatch(r.text, /(src|href)="https?:\/\/(?!127\.0\.0\.1)/);
});

test("the services page works with a session", async () => {
  const r = await api("GET", "/services", { token: null, headers: { cookie } });
  assert.equal(r.status, 200);
  assert.match(r.text, /<h1>Services<\/h1>/);
});
