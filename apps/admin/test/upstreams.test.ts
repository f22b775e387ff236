// Issue 12: upstreams and targets as Kong's entities in the admin API: CRUD with Kong's defaults and
// field errors, targets under an upstream, a service naming the upstream balances over it on a
// real data plane, the export carries it and imports back unchanged, audit, OpenAPI.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import {
  newestVersion,
  startControlPlane,
  startDataPlane,
  waitFor,
  waitInSync,
} from "./helpers/cluster.js";

let cp: ControlPlane;
let dp: DataPlane;
let api: ReturnType<typeof client>;
const backends: Server[] = [];
const ports: number[] = [];

before(async () => {
  for (const name of ["one", "two"]) {
    const server = createServer((req, res) => res.end(`${name} ${req.headers.host ?? ""}`));
    backends.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  cp = await startControlPlane();
  api = client(cp);
  // no version is committed yet: the data plane becomes ready with the first change below
  dp = await startDataPlane(cp, { waitReady: false });
});
after(async () => {
  await dp?.stop();
  await cp?.stop();
  for (const server of backends) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("an upstream is created with Kong's defaults; bad fields are 400 naming them", async () => {
  const created = await api("POST", "/api/v1/upstreams", {
    body: { name: "pool.internal", healthchecks: { active: { http_path: "/health" } } },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.algorithm, "round-robin");
  assert.equal(created.body.hash_on, "none");
  assert.equal(created.body.slots, 10000);
  assert.equal(created.body.healthchecks.active.http_path, "/health");
  assert.equal(created.body.healthchecks.active.timeout, 1);
  assert.deepEqual(created.body.healthchecks.passive.unhealthy.http_statuses, [429, 500, 503]);
  assert.equal(created.body.service, null);

  const bad = await api("POST", "/api/v1/upstreams", {
    body: { name: "bad.internal", algorithm: "random", hash_on: "header", slots: 1 },
  });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(bad.body.errors.map((e: { path: string }) => e.path).sort(), [
    "algorithm",
    "hash_on_header",
    "slots",
  ]);
  const patched = await api("PATCH", "/api/v1/upstreams/pool.internal", {
    body: { algorithm: "least-connections" },
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.healthchecks.active.http_path, "/health", "PATCH keeps the rest");
});

test("a service whose host names the upstream balances over its targets", async () => {
  for (const port of ports) {
    const r = await api("POST", "/api/v1/upstreams/pool.internal/targets", {
      body: { target: `127.0.0.1:${port}` },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(typeof r.body.upstream.id, "string");
  }
  const bad = await api("POST", "/api/v1/upstreams/pool.internal/targets", {
    body: { target: "nope:99999" },
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body.errors, [
    { path: "target", message: "port must be between 1 and 65535" },
  ]);
  const svc = await api("POST", "/api/v1/services", {
    body: { name: "pooled", url: "http://pool.internal" },
  });
  assert.equal(svc.status, 201, svc.text);
  assert.equal(svc.body.host, "pool.internal");
  await api("POST", "/api/v1/services/pooled/routes", { body: { paths: ["/pooled"] } });
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
  const seen = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const r = await fetch(`${dp.proxyUrl}/pooled`);
    assert.equal(r.status, 200);
    seen.add(await r.text());
  }
  assert.deepEqual([...seen].sort(), ["one pool.internal", "two pool.internal"]);

  const blocked = await api("DELETE", "/api/v1/upstreams/pool.internal");
  assert.equal(blocked.status, 409, blocked.text);
  assert.match(blocked.body.message, /still used by services "pooled"/);
});

test("the export carries the upstream; importing it back changes nothing", async () => {
  const exported = await api("GET", "/api/v1/config/export?format=json");
  const doc = exported.body as {
    services: { name: string; host: string }[];
    upstreams: { name: string; algorithm: string; targets: { target: string }[] }[];
  };
  const pool = doc.upstreams.find((u) => u.name === "pool.internal");
  assert.equal(pool?.algorithm, "least-connections");
  assert.equal(pool?.targets.length, 2);
  assert.equal(doc.services.find((s) => s.name === "pooled")?.host, "pool.internal");
  const r = await api("POST", "/api/v1/config/import?mode=sync", { body: exported.body });
  assert.equal(r.status, 200, r.text);
  assert.equal((await api("GET", "/api/v1/config/export?format=json")).text, exported.text);
});

test("changes are audited; the health endpoint lists every target; OpenAPI describes it", async () => {
  const audit = await api("GET", "/api/v1/audit?entity_type=upstream");
  assert.equal(audit.status, 200, audit.text);
  assert.ok(
    audit.body.data.some((e: { action: string }) => e.action === "create"),
    "the upstream's creation is audited",
  );
  // the data plane reports its targets' health with its heartbeat (no checks configured)
  const health = await waitFor("the data plane's report", async () => {
    const r = await api("GET", "/api/v1/upstreams/pool.internal/health");
    const data = r.body.data as { health: string; data_planes: { id: string }[] }[];
    return r.status === 200 && data.length === 2 && data.every((t) => t.health !== "UNKNOWN")
      ? r
      : undefined;
  });
  assert.deepEqual(health.body.upstream.name, "pool.internal");
  for (const t of health.body.data as { health: string; data_planes: { id: string }[] }[]) {
    assert.equal(t.health, "HEALTHCHECKS_OFF");
    assert.deepEqual(
      t.data_planes.map((p) => p.id),
      [dp.id],
    );
  }
  const openapi = await api("GET", "/api/v1/openapi.json");
  for (const path of [
    "/upstreams",
    "/upstreams/{upstream}",
    "/upstreams/{upstream}/targets",
    "/upstreams/{upstream}/targets/{target}",
    "/upstreams/{upstream}/health",
  ]) {
    assert.ok(openapi.body.paths[`/api/v1${path}`], path);
  }
});
