// Database outage: data planes keep serving what they run; the control plane recovers by itself
// (API, heartbeats, distribution) when the database is back.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestDatabase } from "@gatehouse/db/testing";
import { client } from "./helpers/admin.js";
import { controlPlaneBehindRelay } from "./helpers/db-relay.js";
import type { Relay } from "./helpers/db-relay.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startDataPlane, waitFor, waitInSync } from "./helpers/cluster.js";

let db: TestDatabase;
let gate: Relay;
let cp: ControlPlane;
let dps: DataPlane[] = [];
let api: ReturnType<typeof client>;
let pluginId: string;

before(async () => {
  ({ db, gate, cp } = await controlPlaneBehindRelay());
  api = client(cp);
  const r = await api("POST", "/api/v1/routes", { body: { name: "hello", paths: ["/hello"] } });
  assert.equal(r.status, 201, r.text);
  const p = await api("POST", "/api/v1/routes/hello/plugins", {
    body: { name: "request-termination", config: { status_code: 200, message: "before" } },
  });
  assert.equal(p.status, 201, p.text);
  pluginId = p.body.id as string;
  dps = await Promise.all([startDataPlane(cp), startDataPlane(cp)]);
  const newest = await newestVersion(cp);
  await Promise.all(dps.map((dp) => waitInSync(cp, dp.id, newest.version)));
});
after(async () => {
  await Promise.all(dps.map((dp) => dp.stop()));
  await cp?.stop();
  await gate?.close();
  await db?.drop();
});

test("while the database is down the data planes keep serving and the API says so", async () => {
  gate.cut();
  const health = await fetch(`${cp.url}/api/health`);
  assert.equal(health.status, 503);
  const change = await api("PATCH", `/api/v1/plugins/${pluginId}`, {
    body: { config: { status_code: 200, message: "lost" } },
  });
  assert.equal(change.status, 503, `a change without a database: ${change.text}`);
  assert.doesNotMatch(change.text, /at \w+ \(|node_modules/, "no stack trace");
  // a few heartbeat periods: still serving the config they run
  await new Promise((r) => setTimeout(r, 1500));
  for (const dp of dps) {
    const res = await fetch(`${dp.proxyUrl}/hello`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /before/);
  }
});

test("when the database is back the control plane recovers and pushes again", async () => {
  gate.restore();
  await waitFor("the admin to be healthy again", async () => {
    return (await fetch(`${cp.url}/api/health`)).ok;
  });
  const change = await api("PATCH", `/api/v1/plugins/${pluginId}`, {
    body: { config: { status_code: 200, message: "after" } },
  });
  assert.equal(change.status, 200, change.text);
  const newest = await newestVersion(cp);
  for (const dp of dps) {
    await waitInSync(cp, dp.id, newest.version);
    assert.match(await (await fetch(`${dp.proxyUrl}/hello`)).text(), /after/);
  }
});
