// Data planes register with the control plane and heartbeat; the data-plane endpoints take only
// the cluster token; users read data planes through the API (viewer may).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { client, tokenFor } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { dataPlaneView, startControlPlane, startDataPlane, waitFor } from "./helpers/cluster.js";

let cp: ControlPlane;
let dps: DataPlane[] = [];

before(async () => {
  cp = await startControlPlane();
  const r = await client(cp)("POST", "/api/v1/services", {
    body: { name: "first", url: "http://127.0.0.1:9/" },
  });
  assert.equal(r.status, 201, r.text);
  dps = await Promise.all([startDataPlane(cp), startDataPlane(cp)]);
});
after(async () => {
  await Promise.all(dps.map((dp) => dp.stop()));
  await cp?.stop();
});

test("both data planes are listed with address, software version, plugin set and what they run", async () => {
  const viewer = await tokenFor(cp, "viewer");
  const ids = dps.map((dp) => dp.id).sort();
  // a data plane is ready from its first pull; its registration may land a moment later
  const listed = await waitFor("both data planes registered", async () => {
    const list = await client(cp, viewer)("GET", "/api/v1/data-planes?sort_by=id");
    assert.equal(list.status, 200, list.text);
    const found = list.body.data.map((d: { id: string }) => d.id);
    return found.length >= ids.length ? found : undefined;
  });
  assert.deepEqual(listed, ids);
  for (const dp of dps) {
    const view = await dataPlaneView(cp, dp.id);
    assert.equal(view.control_url, dp.controlUrl);
    assert.equal(view.software_version, "0.1.0");
    assert.ok(view.hostname.length > 0);
    assert.ok(view.plugins.some((p) => p.name === "key-auth" && p.version.length > 0));
    const status = await dp.status();
    assert.equal(view.applied_version, status.version);
    assert.equal(view.applied_hash, status.hash);
    assert.equal(view.connected, true);
  }
});

test("heartbeats move last_seen_at forward", async () => {
  const dp = dps[0] as DataPlane;
  const first = (await dataPlaneView(cp, dp.id)).last_seen_at as string;
  await waitFor("a newer last_seen_at", async () => {
    const seen = (await dataPlaneView(cp, dp.id)).last_seen_at as string;
    return Date.parse(seen) > Date.parse(first);
  });
});

test("a data plane restarted with the same cache dir keeps its id (one row)", async () => {
  const dp = dps[1] as DataPlane;
  const id = dp.id;
  await dp.down();
  await dp.up();
  assert.equal(dp.id, id);
  await waitFor("the new control address", async () => {
    return (await dataPlaneView(cp, id)).control_url === dp.controlUrl;
  });
  const list = await client(cp)("GET", "/api/v1/data-planes");
  assert.equal(list.body.data.length, 2);
});

test("the data-plane endpoints refuse user tokens and no token; accept the cluster token", async () => {
  const api = client(cp);
  const body = { id: "intruder", control_url: "http://127.0.0.1:1", plugins: [] };
  for (const token of [null, cp.bootstrapToken, await tokenFor(cp, "admin")]) {
    const register = await api("POST", "/api/v1/dataplane/register", { token, body });
    assert.equal(register.status, 401, register.text);
    const config = await api("GET", "/api/v1/dataplane/config", { token });
    assert.equal(config.status, 401, config.text);
  }
  const wrong = await api("GET", "/api/v1/dataplane/config", {
    token: cp.clusterToken.slice(0, -1) + "x",
  });
  assert.equal(wrong.status, 401);
  const ok = await api("GET", "/api/v1/dataplane/config", { token: cp.clusterToken });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(typeof ok.body.version, "number");
  assert.equal((await client(cp)("GET", "/api/v1/data-planes/intruder")).status, 404);
});

test("a registration with bad fields is 400 naming each field", async () => {
  const r = await client(cp, cp.clusterToken)("POST", "/api/v1/dataplane/register", {
    body: { id: "bad id!", control_url: "ftp://x", plugins: "all" },
  });
  assert.equal(r.status, 400, r.text);
  const paths = r.body.errors.map((e: { path: string }) => e.path).sort();
  assert.deepEqual(paths, ["control_url", "id", "plugins"]);
});

test("the data-plane list needs authentication", async () => {
  const r = await client(cp, null)("GET", "/api/v1/data-planes");
  assert.equal(r.status, 401);
});
