import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

// Two admins on two databases: export from one, import into the empty other.
let source: Admin;
let target: Admin;
let src: ReturnType<typeof client>;
let dst: ReturnType<typeof client>;

before(async () => {
  [source, target] = await Promise.all([startAdmin(), startAdmin()]);
  src = client(source);
  dst = client(target);
  await src("POST", "/api/v1/services", {
    body: { name: "users", url: "http://users.internal:9000/api", tags: ["t1"] },
  });
  await src("POST", "/api/v1/services/users/routes", {
    body: { name: "users-r", paths: ["/users", "~/u/\\d+$"], headers: { "x-v": ["1"] } },
  });
  await src("POST", "/api/v1/services/users/targets", {
    body: { target: "10.1.1.1:9000", weight: 10 },
  });
  await src("POST", "/api/v1/routes", { body: { name: "hello", paths: ["/hello"] } });
  await src("POST", "/api/v1/routes/hello/plugins", {
    body: { name: "request-termination", config: { status_code: 200, message: "hi" } },
  });
  await src("POST", "/api/v1/plugins", {
    body: { name: "response-transformer", config: { add: { headers: ["x-gw:1"] } } },
  });
  await src("POST", "/api/v1/consumers", { body: { username: "erin", custom_id: "e-1" } });
  await src("POST", "/api/v1/consumers/erin/key-auth", { body: { key: "erin-key-123" } });
  await src("POST", "/api/v1/consumers/erin/basic-auth", {
    body: { username: "erin", password: "erin-password-1" },
  });
});
after(async () => Promise.all([source?.stop(), target?.stop()]));

const importDoc = (api: ReturnType<typeof client>, query: string, doc: unknown) =>
  api("POST", `/api/v1/config/import${query}`, { body: doc });

test("export (json and yaml) → import into an empty database → identical export", async () => {
  // with the hashes (an admin asking): a masked export cannot recreate credentials elsewhere
  const exported = await src("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(exported.status, 200);
  assert.equal(exported.body.services[0].name, "users");
  assert.ok(!exported.text.includes("erin-key-123"), "keys leave only as hashes");
  assert.ok(!exported.text.includes("erin-password-1"));

  const yaml = await src("GET", "/api/v1/config/export?include_secrets=true");
  assert.match(yaml.headers.get("content-type") ?? "", /yaml/);
  const imported = await dst("POST", "/api/v1/config/import", {
    raw: yaml.text,
    headers: { "content-type": "application/yaml" },
  });
  assert.equal(imported.status, 200, imported.text);
  assert.equal(imported.body.diff.services.added.length, 1);
  assert.ok(imported.body.version.version >= 1);

  const again = await dst("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(again.text, exported.text);
});

test("validate checks a whole file and writes nothing", async () => {
  const versions = (await dst("GET", "/api/v1/config/versions")).body.data.length;
  const ok = await dst("POST", "/api/v1/config/validate", {
    raw: "_format_version: '3.0'\nservices:\n  - name: x\n    url: http://x.internal\n",
    headers: { "content-type": "application/yaml" },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.services, 1);
  const bad = await dst("POST", "/api/v1/config/validate", {
    body: {
      _format_version: "3.0",
      services: [{ name: "x", port: 0 }],
      routes: [{ paths: ["nope"] }],
    },
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), [
    "routes[0].paths[0]",
    "services[0].host",
    "services[0].port",
  ]);
  assert.equal((await dst("GET", "/api/v1/config/versions")).body.data.length, versions);
  assert.equal((await dst("GET", "/api/v1/services/x")).status, 404);
});

test("dry run returns the diff per entity type and changes nothing", async () => {
  const doc = (await dst("GET", "/api/v1/config/export?format=json")).body;
  doc.services[0].retries = 1;
  doc.services.push({ name: "new-svc", url: "http://new.internal" });
  doc.routes = [];
  const dry = await importDoc(dst, "?dry_run=true", doc);
  assert.equal(dry.status, 200, dry.text);
  assert.equal(dry.body.dry_run, true);
  assert.deepEqual(
    dry.body.diff.services.added.map((e: { name: string }) => e.name),
    ["new-svc"],
  );
  assert.deepEqual(
    dry.body.diff.services.changed.map((e: { fields: string[] }) => e.fields),
    [["retries"]],
  );
  assert.deepEqual(
    dry.body.diff.routes.deleted.map((e: { name: string }) => e.name),
    ["hello"],
  );
  assert.equal(dry.body.diff.plugins.deleted.length, 1, "the route's plugin goes with it");
  assert.equal(dry.body.version, null);
  assert.equal((await dst("GET", "/api/v1/services/new-svc")).status, 404);
  assert.equal((await dst("GET", "/api/v1/routes/hello")).status, 200);
});

test("an invalid import is refused whole: nothing changes", async () => {
  const before = await dst("GET", "/api/v1/config/export?format=json");
  const doc = structuredClone(before.body);
  doc.services.push({ name: "ok-svc", url: "http://ok.internal" });
  doc.plugins.push({ name: "request-termination", config: { status_code: 42 } });
  const r = await importDoc(dst, "", doc);
  assert.equal(r.status, 400);
  assert.ok(
    r.body.errors.some((e: { path: string }) => e.path.startsWith("plugins[1].config")),
    r.text,
  );
  assert.equal((await dst("GET", "/api/v1/config/export?format=json")).text, before.text);
});

test("partial mode only creates and updates the file's entities", async () => {
  const r = await importDoc(dst, "?mode=partial", {
    _format_version: "3.0",
    services: [{ name: "partial-svc", url: "http://p.internal" }],
  });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.diff.services.added.length, 1);
  assert.equal(r.body.diff.services.deleted.length, 0);
  assert.equal((await dst("GET", "/api/v1/services/users")).status, 200);
});

test("tags mode manages only entities carrying the tags", async () => {
  const r = await importDoc(dst, "?mode=tags&tags=team-x", {
    _format_version: "3.0",
    services: [{ name: "tx-1", url: "http://tx1.internal", tags: ["team-x"] }],
  });
  assert.equal(r.status, 200, r.text);
  const r2 = await importDoc(dst, "?mode=tags&tags=team-x", {
    _format_version: "3.0",
    services: [{ name: "tx-2", url: "http://tx2.internal", tags: ["team-x"] }],
  });
  assert.deepEqual(
    r2.body.diff.services.added.map((e: { name: string }) => e.name),
    ["tx-2"],
  );
  assert.deepEqual(
    r2.body.diff.services.deleted.map((e: { name: string }) => e.name),
    ["tx-1"],
  );
  assert.equal(
    (await dst("GET", "/api/v1/services/partial-svc")).status,
    200,
    "untagged entities stay",
  );

  const untagged = await importDoc(dst, "?mode=tags&tags=team-x", {
    _format_version: "3.0",
    services: [{ name: "tx-3", url: "http://tx3.internal" }],
  });
  assert.equal(untagged.status, 400);
  assert.equal(untagged.body.errors[0].path, "services[0].tags");
});

test("sync mode makes the file the whole truth", async () => {
  const r = await importDoc(dst, "?mode=sync", {
    _format_version: "3.0",
    services: [{ name: "only", url: "http://only.internal" }],
  });
  assert.equal(r.status, 200, r.text);
  const services = (await dst("GET", "/api/v1/services")).body.data.map(
    (s: { name: string }) => s.name,
  );
  assert.deepEqual(services, ["only"]);
  assert.equal((await dst("GET", "/api/v1/consumers")).body.data.length, 0);
});
