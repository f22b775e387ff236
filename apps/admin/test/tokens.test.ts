import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, test } from "node:test";
import { createPrismaClient } from "@gatehouse/db/client";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;
let prisma: ReturnType<typeof createPrismaClient>;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  prisma = createPrismaClient(admin.db.url, { maxConnections: 2 });
});
after(async () => {
  await prisma?.$disconnect();
  await admin?.stop();
});

test("a token is shown once, stored as its sha256 only, and works as a Bearer token", async () => {
  const created = await api("POST", "/api/v1/tokens", { body: { name: "ci", role: "editor" } });
  assert.equal(created.status, 201, created.text);
  const token = created.body.token as string;
  assert.match(token, /^gh_/);

  const listed = await api("GET", "/api/v1/tokens");
  assert.ok(!listed.text.includes(token));
  assert.equal(listed.body.data[0].prefix, token.slice(0, 8));

  const row = await prisma.apiToken.findUniqueOrThrow({ where: { id: created.body.id } });
  assert.equal(row.tokenHash, createHash("sha256").update(token).digest("hex"));
  assert.ok(!JSON.stringify(row).includes(token.slice(8)));

  const asToken = client(admin, token);
  assert.equal(
    (
      await asToken("POST", "/api/v1/services", {
        body: { name: "by-ci", url: "http://ci.internal" },
      })
    ).status,
    201,
  );
  assert.equal(
    (await asToken("GET", "/api/v1/users")).status,
    403,
    "an editor token is not an admin",
  );
});

test("a revoked token stops working at once", async () => {
  const created = await api("POST", "/api/v1/tokens", {
    body: { name: "to-revoke", role: "viewer" },
  });
  const asToken = client(admin, created.body.token);
  assert.equal((await asToken("GET", "/api/v1/services")).status, 200);
  assert.equal((await api("DELETE", `/api/v1/tokens/${created.body.id}`)).status, 204);
  assert.equal((await asToken("GET", "/api/v1/services")).status, 401);
  const listed = await api("GET", "/api/v1/tokens");
  assert.ok(listed.body.data.find((t: { id: string }) => t.id === created.body.id).revoked_at);
});

test("an expired token is refused; an expiry in the past is a 400", async () => {
  const past = await api("POST", "/api/v1/tokens", {
    body: { name: "old", expires_at: "2000-01-01T00:00:00Z" },
  });
  assert.equal(past.status, 400);
  assert.equal(past.body.errors[0].path, "expires_at");

  const soon = await api("POST", "/api/v1/tokens", {
    body: { name: "soon", expires_at: new Date(Date.now() + 3_600_000).toISOString() },
  });
  assert.equal(soon.status, 201, soon.text);
  const asToken = client(admin, soon.body.token);
  assert.equal((await asToken("GET", "/api/v1/services")).status, 200);
  // Move the expiry into the past (time travel in the database, not a mock of the check).
  await prisma.apiToken.update({
    where: { id: soon.body.id },
    data: { expiresAt: new Date(Date.now() - 1000) },
  });
  assert.equal((await asToken("GET", "/api/v1/services")).status, 401);
});

test("the bootstrap token is an admin; a wrong one is refused", async () => {
  assert.equal((await api("GET", "/api/v1/users")).status, 200);
  const wrong = client(admin, `${admin.bootstrapToken}x`);
  assert.equal((await wrong("GET", "/api/v1/services")).status, 401);
});
