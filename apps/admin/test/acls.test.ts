import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

// Consumer ACL groups (Kong's /consumers/{consumer}/acls), read by the acl plugin on data planes.
let source: Admin;
let target: Admin;
let src: ReturnType<typeof client>;
let dst: ReturnType<typeof client>;

before(async () => {
  [source, target] = await Promise.all([startAdmin(), startAdmin()]);
  src = client(source);
  dst = client(target);
  await src("POST", "/api/v1/consumers", { body: { username: "ann" } });
  await src("POST", "/api/v1/consumers", { body: { username: "bo" } });
});
after(async () => Promise.all([source?.stop(), target?.stop()]));

test("acls: create, list, read by group, patch tags, delete", async () => {
  const created = await src("POST", "/api/v1/consumers/ann/acls", {
    body: { group: "ops", tags: ["t1"] },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.group, "ops");
  assert.deepEqual(created.body.tags, ["t1"]);
  const list = await src("GET", "/api/v1/consumers/ann/acls");
  assert.deepEqual(
    list.body.data.map((a: { group: string }) => a.group),
    ["ops"],
  );
  const byGroup = await src("GET", "/api/v1/consumers/ann/acls/ops");
  assert.equal(byGroup.status, 200);
  assert.equal(byGroup.body.id, created.body.id);
  const patched = await src("PATCH", `/api/v1/consumers/ann/acls/${created.body.id}`, {
    body: { tags: ["t2"] },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual(patched.body.tags, ["t2"]);
  assert.equal(patched.body.group, "ops");
  assert.equal(patched.body.version, 2);
  assert.equal((await src("DELETE", "/api/v1/consumers/ann/acls/ops")).status, 204);
  assert.equal((await src("GET", "/api/v1/consumers/ann/acls/ops")).status, 404);
});

test("acls: an empty group or an unknown field is a 400 naming the field", async () => {
  const bad = await src("POST", "/api/v1/consumers/ann/acls", { body: { group: "", x: 1 } });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), ["group", "x"]);
});

test("acls: a consumer's group exists once (409); another consumer may have it", async () => {
  assert.equal(
    (await src("POST", "/api/v1/consumers/ann/acls", { body: { group: "admins" } })).status,
    201,
  );
  const dup = await src("POST", "/api/v1/consumers/ann/acls", { body: { group: "admins" } });
  assert.equal(dup.status, 409, dup.text);
  assert.match(dup.body.message, /group/);
  const other = await src("POST", "/api/v1/consumers/bo/acls", { body: { group: "admins" } });
  assert.equal(other.status, 201, other.text);
  assert.equal((await src("GET", "/api/v1/consumers/bo/acls/admins")).body.id, other.body.id);
});

test("acls reach the configuration version pushed to data planes", async () => {
  await src("POST", "/api/v1/consumers/bo/acls", { body: { group: "billing" } });
  const versions = await src("GET", "/api/v1/config/versions");
  const latest = versions.body.data[0].version as number;
  const shown = await src("GET", `/api/v1/config/versions/${latest}`);
  assert.equal(shown.status, 200, shown.text);
  const bo = shown.body.snapshot.consumers.find((c: { username: string }) => c.username === "bo");
  assert.deepEqual(bo.acls, [
    { group: "admins", tags: [] },
    { group: "billing", tags: [] },
  ]);
});

test("export → import into an empty database → identical export, acls included", async () => {
  const exported = await src("GET", "/api/v1/config/export?format=json");
  assert.ok(exported.text.includes('"acls"'), exported.text);
  const imported = await dst("POST", "/api/v1/config/import", { body: exported.body });
  assert.equal(imported.status, 200, imported.text);
  assert.equal(imported.body.diff.acls.added.length, 3);
  const again = await dst("GET", "/api/v1/config/export?format=json");
  assert.equal(again.text, exported.text);
  const same = await dst("POST", "/api/v1/config/import", { body: exported.body });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.body.version, null, "nothing changed, no new version");
});

test("import modes: dry run diff names acl changes; partial keeps groups the file omits", async () => {
  const doc = (await dst("GET", "/api/v1/config/export?format=json")).body;
  const bo = doc.consumers.find((c: { username: string }) => c.username === "bo");
  bo.acls = [{ group: "admins", tags: ["x"] }, { group: "new" }];
  const dry = await dst("POST", "/api/v1/config/import?dry_run=true", { body: doc });
  assert.equal(dry.status, 200, dry.text);
  const names = (key: string) =>
    dry.body.diff.acls[key].map((e: { name: string; fields?: string[] }) =>
      e.fields ? [e.name, e.fields] : e.name,
    );
  assert.deepEqual(names("added"), ["new"]);
  assert.deepEqual(names("changed"), [["admins", ["tags"]]]);
  assert.deepEqual(names("deleted"), ["billing"]);
  assert.equal((await dst("GET", "/api/v1/consumers/bo/acls/new")).status, 404);

  const partial = await dst("POST", "/api/v1/config/import?mode=partial", {
    body: { _format_version: "3.0", consumers: [{ username: "bo", acls: [{ group: "new" }] }] },
  });
  assert.equal(partial.status, 200, partial.text);
  const groups = await dst("GET", "/api/v1/consumers/bo/acls?sort_by=group");
  assert.deepEqual(
    groups.body.data.map((a: { group: string }) => a.group),
    ["admins", "billing", "new"],
  );
});
