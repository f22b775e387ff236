import assert from "node:assert/strict";
import { test } from "node:test";
import { hashConfig } from "@gatehouse/config";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

test("every committed change is a new version with snapshot, hash, author and message", async () => {
  await api("POST", "/api/v1/services", { body: { name: "v-svc", url: "http://v.internal" } });
  await api("PATCH", "/api/v1/services/v-svc", { body: { retries: 1 } });
  const list = await api("GET", "/api/v1/config/versions");
  assert.equal(list.status, 200);
  const [latest, previous] = list.body.data;
  assert.equal(latest.version, previous.version + 1, "newest first, monotonic");
  assert.equal(latest.author, "bootstrap");
  assert.match(latest.message, /update service v-svc/);

  const shown = await api("GET", `/api/v1/config/versions/${latest.version}`);
  assert.equal(shown.body.snapshot.services[0].retries, 1, "the snapshot includes the change");
  assert.equal(shown.body.hash, hashConfig(shown.body.snapshot));

  const export_ = await api("GET", "/api/v1/config/export?format=json");
  assert.deepEqual(shown.body.snapshot, export_.body);
});

test("route changes, committed from the previous version's rows, snapshot what the export shows", async () => {
  // each version must be the database's export, whatever changed in between (a service is
  // created between two route changes, a deleted route takes its plugin along)
  const newest = async () => {
    const [latest] = (await api("GET", "/api/v1/config/versions?size=1")).body.data;
    const shown = await api("GET", `/api/v1/config/versions/${latest.version}`);
    const exported = await api("GET", "/api/v1/config/export?format=json");
    assert.deepEqual(shown.body.snapshot, exported.body);
    assert.equal(shown.body.hash, hashConfig(shown.body.snapshot));
    return shown.body.snapshot as { routes: { name: string; tags: string[] }[] };
  };
  const created = await api("POST", "/api/v1/routes", { body: { name: "vr-a", paths: ["/vr-a"] } });
  assert.equal(created.status, 201);
  await newest();
  assert.equal((await api("PATCH", "/api/v1/routes/vr-a", { body: { tags: ["t1"] } })).status, 200);
  const patched = await newest();
  assert.deepEqual(patched.routes.find((r) => r.name === "vr-a")?.tags, ["t1"]);
  await api("POST", "/api/v1/services", { body: { name: "vr-svc", url: "http://vr.internal" } });
  assert.equal((await api("PATCH", "/api/v1/routes/vr-a", { body: { tags: ["t2"] } })).status, 200);
  const again = await newest();
  assert.ok(JSON.stringify(again).includes('"vr-svc"'), "the service created in between is there");
  const plugin = await api("POST", "/api/v1/routes/vr-a/plugins", {
    body: { name: "cors", config: {} },
  });
  assert.equal(plugin.status, 201);
  await newest();
  assert.equal((await api("DELETE", "/api/v1/routes/vr-a")).status, 204);
  const gone = await newest();
  assert.ok(!JSON.stringify(gone).includes('"vr-a"'), "the route and its plugin are gone");
  assert.ok(!JSON.stringify(gone).includes('"cors"'));
});

test("a failed change makes no version", async () => {
  const before = (await api("GET", "/api/v1/config/versions")).body.data[0].version;
  assert.equal((await api("PATCH", "/api/v1/services/v-svc", { body: { port: -1 } })).status, 400);
  assert.equal((await api("GET", "/api/v1/config/versions")).body.data[0].version, before);
});

test("diff between two versions and rollback to an older one, which becomes a new version", async () => {
  const base = (await api("GET", "/api/v1/config/versions")).body.data[0].version;
  await api("POST", "/api/v1/consumers", { body: { username: "frank" } });
  await api("DELETE", "/api/v1/services/v-svc");
  const head = (await api("GET", "/api/v1/config/versions")).body.data[0].version;

  const diff = await api("GET", `/api/v1/config/versions/diff?from=${base}&to=${head}`);
  assert.equal(diff.status, 200, diff.text);
  assert.deepEqual(
    diff.body.diff.consumers.added.map((e: { name: string }) => e.name),
    ["frank"],
  );
  assert.deepEqual(
    diff.body.diff.services.deleted.map((e: { name: string }) => e.name),
    ["v-svc"],
  );

  const rollback = await api("POST", `/api/v1/config/versions/${base}/rollback`);
  assert.equal(rollback.status, 200, rollback.text);
  assert.equal(rollback.body.version.version, head + 1);
  assert.equal((await api("GET", "/api/v1/services/v-svc")).body.retries, 1);
  assert.equal((await api("GET", "/api/v1/consumers/frank")).status, 404);
  const baseSnapshot = (await api("GET", `/api/v1/config/versions/${base}`)).body;
  const newSnapshot = (await api("GET", `/api/v1/config/versions/${head + 1}`)).body;
  assert.equal(newSnapshot.hash, baseSnapshot.hash, "same content, same hash");
  assert.match(newSnapshot.message, new RegExp(`rollback to version ${base}`));
});

test("unknown versions are 404, bad numbers 400", async () => {
  assert.equal((await api("GET", "/api/v1/config/versions/99999")).status, 404);
  assert.equal((await api("GET", "/api/v1/config/versions/abc")).status, 400);
  const diff = await api("GET", "/api/v1/config/versions/diff?from=x");
  assert.equal(diff.status, 400);
  assert.deepEqual(
    diff.body.errors.map((e: { path: string }) => e.path),
    ["from", "to"],
  );
});
