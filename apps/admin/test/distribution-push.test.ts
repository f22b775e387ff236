// Every committed change is pushed to every registered data plane; bursts are coalesced.
import assert from "node:assert/strict";
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
let dps: DataPlane[] = [];
let api: ReturnType<typeof client>;

before(async () => {
  cp = await startControlPlane();
  api = client(cp);
  const r = await api("POST", "/api/v1/routes", {
    body: { name: "base", paths: ["/base"] },
  });
  assert.equal(r.status, 201, r.text);
  dps = await Promise.all([startDataPlane(cp), startDataPlane(cp)]);
});
after(async () => {
  await Promise.all(dps.map((dp) => dp.stop()));
  await cp?.stop();
});

test("a change through the REST API reaches both data planes, in sync with version and hash", async () => {
  const route = await api("POST", "/api/v1/routes", { body: { name: "hello", paths: ["/hello"] } });
  assert.equal(route.status, 201, route.text);
  const plugin = await api("POST", "/api/v1/routes/hello/plugins", {
    body: { name: "request-termination", config: { status_code: 200, message: "hi there" } },
  });
  assert.equal(plugin.status, 201, plugin.text);
  const newest = await newestVersion(cp);
  for (const dp of dps) {
    const view = await waitInSync(cp, dp.id, newest.version);
    assert.equal(view.applied_hash, newest.hash);
    assert.equal(view.target_version, newest.version);
    assert.deepEqual(view.errors, []);
    const status = await dp.status();
    assert.deepEqual([status.version, status.hash], [newest.version, newest.hash]);
    const res = await fetch(`${dp.proxyUrl}/hello`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /hi there/);
  }
});

test("10 quick changes: both data planes end at the newest version with fewer pushes than changes", async () => {
  const before = await Promise.all(dps.map((dp) => dp.applies()));
  const changes = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      api("POST", "/api/v1/routes", { body: { name: `burst-${i}`, paths: [`/burst/${i}`] } }),
    ),
  );
  for (const r of changes) assert.equal(r.status, 201, r.text);
  const newest = await newestVersion(cp);
  for (const [i, dp] of dps.entries()) {
    await waitInSync(cp, dp.id, newest.version);
    const applied = (await dp.applies()) - (before[i] as number);
    assert.ok(
      applied >= 1 && applied < 10,
      `data plane ${i} applied ${applied} times for 10 changes`,
    );
    assert.equal((await dp.status()).hash, newest.hash);
  }
});

test("a data plane started after the changes pulls the newest version at start", async () => {
  const newest = await newestVersion(cp);
  const late = await startDataPlane(cp);
  dps.push(late);
  const status = await late.status();
  assert.equal(status.version, newest.version);
  await waitFor("the late data plane in the list", async () => {
    const r = await api("GET", `/api/v1/data-planes/${late.id}`);
    return r.status === 200 && r.body.status === "in_sync";
  });
});
