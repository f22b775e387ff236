import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;
const password = "correct-horse-battery";

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  for (const [username, role] of [
    ["ed", "editor"],
    ["vi", "viewer"],
  ]) {
    const r = await api("POST", "/api/v1/users", { body: { username, password, role } });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => admin?.stop());

async function login(username: string, pw = password, headers: Record<string, string> = {}) {
  return api("POST", "/api/v1/auth/login", {
    token: null,
    body: { username, password: pw },
    headers,
  });
}
const cookieOf = (r: { headers: Headers }) =>
  (r.headers.get("set-cookie") ?? "").split(";")[0] as string;

test("login sets an httpOnly SameSite cookie (Secure over https); the session authenticates", async () => {
  const r = await login("ed");
  assert.equal(r.status, 200, r.text);
  const setCookie = r.headers.get("set-cookie") ?? "";
  assert.match(setCookie, /^gatehouse_session=ghs_/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Lax/);
  assert.doesNotMatch(setCookie, /Secure/);
  const me = await api("GET", "/api/v1/auth/me", { token: null, headers: { cookie: cookieOf(r) } });
  assert.deepEqual({ actor: me.body.actor, role: me.body.role }, { actor: "ed", role: "editor" });

  const https = await login("ed", password, { "x-forwarded-proto": "https" });
  assert.match(https.headers.get("set-cookie") ?? "", /Secure/);
});

test("a wrong password is 401 without saying which part was wrong", async () => {
  const wrong = await login("ed", "nope-nope-nope");
  const unknown = await login("nobody", "nope-nope-nope");
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.equal(wrong.body.message, unknown.body.message);
});

test("cookie-authenticated writes need a same-origin Origin (CSRF)", async () => {
  const cookie = cookieOf(await login("ed"));
  const body = { name: "csrf-svc", url: "http://c.internal" };
  const noOrigin = await api("POST", "/api/v1/services", {
    token: null,
    body,
    headers: { cookie },
  });
  assert.equal(noOrigin.status, 403);
  assert.equal(noOrigin.body.code, "csrf");
  const foreign = await api("POST", "/api/v1/services", {
    token: null,
    body,
    headers: { cookie, origin: "https://evil.example" },
  });
  assert.equal(foreign.status, 403);
  assert.equal((await api("GET", "/api/v1/services/csrf-svc")).status, 404);
  const same = await api("POST", "/api/v1/services", {
    token: null,
    body,
    headers: { cookie, origin: admin.url },
  });
  assert.equal(same.status, 201, same.text);
  const fetchSite = await api("PATCH", "/api/v1/services/csrf-svc", {
    token: null,
    body: { retries: 1 },
    headers: { cookie, "sec-fetch-site": "same-origin" },
  });
  assert.equal(fetchSite.status, 200);
});

test("a viewer session cannot write; logout ends the session", async () => {
  const cookie = cookieOf(await login("vi"));
  const write = await api("POST", "/api/v1/consumers", {
    token: null,
    body: { username: "x" },
    headers: { cookie, origin: admin.url },
  });
  assert.equal(write.status, 403);
  const out = await api("POST", "/api/v1/auth/logout", {
    token: null,
    headers: { cookie, origin: admin.url },
  });
  assert.equal(out.status, 204);
  assert.match(out.headers.get("set-cookie") ?? "", /Max-Age=0/);
  assert.equal(
    (await api("GET", "/api/v1/services", { token: null, headers: { cookie } })).status,
    401,
  );
});

test("a disabled user cannot sign in and loses their sessions", async () => {
  const cookie = cookieOf(await login("ed"));
  assert.equal((await api("PATCH", "/api/v1/users/ed", { body: { disabled: true } })).status, 200);
  assert.equal(
    (await api("GET", "/api/v1/services", { token: null, headers: { cookie } })).status,
    401,
  );
  assert.equal((await login("ed")).status, 401);
});
