import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
});
after(async () => admin?.stop());

test("users: create (password hashed, never returned), get, update, delete; 409 on a clash", async () => {
  const created = await api("POST", "/api/v1/users", {
    body: {
      username: "judy",
      email: "judy@example.com",
      password: "judy-password-1",
      role: "editor",
    },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.role, "editor");
  assert.ok(!created.text.includes("judy-password-1") && !created.text.includes("scrypt"));
  assert.equal(
    (
      await api("POST", "/api/v1/users", {
        body: { username: "judy", password: "another-password" },
      })
    ).status,
    409,
  );

  const patched = await api("PATCH", "/api/v1/users/judy", {
    body: { role: "viewer" },
    headers: { "if-match": '"1"' },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.role, "viewer");
  assert.equal(
    (
      await api("PATCH", "/api/v1/users/judy", {
        body: { role: "admin" },
        headers: { "if-match": '"1"' },
      })
    ).status,
    409,
  );
  assert.equal((await api("DELETE", "/api/v1/users/judy")).status, 204);
  assert.equal((await api("GET", "/api/v1/users/judy")).status, 404);
});

test("users: every invalid field is reported; weak passwords are refused", async () => {
  const r = await api("POST", "/api/v1/users", {
    body: { username: "a b", password: "short", role: "root", extra: 1 },
  });
  assert.equal(r.status, 400);
  assert.deepEqual(r.body.errors.map((e: { path: string }) => e.path).sort(), [
    "extra",
    "password",
    "role",
    "username",
  ]);
});

test("the last enabled admin cannot be demoted, disabled or deleted", async () => {
  await api("POST", "/api/v1/users", {
    body: { username: "kim", password: "kim-password-12", role: "admin" },
  });
  assert.equal((await api("PATCH", "/api/v1/users/kim", { body: { role: "editor" } })).status, 409);
  assert.equal((await api("PATCH", "/api/v1/users/kim", { body: { disabled: true } })).status, 409);
  assert.equal((await api("DELETE", "/api/v1/users/kim")).status, 409);
  await api("POST", "/api/v1/users", {
    body: { username: "lee", password: "lee-password-123", role: "admin" },
  });
  assert.equal((await api("PATCH", "/api/v1/users/kim", { body: { role: "editor" } })).status, 200);
});
