// Control-plane outage: a data plane restarted meanwhile serves its cache; when the control
// plane is back it catches up to the newest version only, never an older one.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import {
  dataPlaneView,
  newestVersion,
  startControlPlane,
  startDataPlane,
  waitInSync,
} from "./helpers/cluster.js";

let cp: ControlPlane;
let restarted: DataPlane;
let steady: DataPlane;
let api: ReturnType<typeof client>;
let cached: { version: number; hash: string };
let pluginId: string;

async function say(message: string) {
  const r = await api("PATCH", `/api/v1/plugins/${pluginId}`, {
    body: { config: { status_code: 200, message } },
  });
  assert.equal(r.status, 200, r.text);
}

before(async () => {
  cp = await startControlPlane();
  api = client(cp);
  assert.equal(
    (await api("POST", "/api/v1/routes", { body: { name: "hello", paths: ["/hello"] } })).status,
    201,
  );
  const plugin = await api("POST", "/api/v1/routes/hello/plugins", {
    body: { name: "request-termination", config: { status_code: 200, message: "v-cached" } },
  });
  assert.equal(plugin.status, 201, plugin.text);
  pluginId = plugin.body.id as string;
  [restarted, steady] = await Promise.all([startDataPlane(cp), startDataPlane(cp)]);
  cached = await newestVersion(cp);
  await Promise.all([restarted, steady].map((dp) => waitInSync(cp, dp.id, cached.version)));
});
after(async () => {
  await Promise.all([restarted?.stop(), steady?.stop()]);
  await cp?.stop();
});

test("a data plane restarted while the control plane is down serves its cache", async () => {
  await restarted.down();
  // three more versions while it is down; the other data plane follows
  for (const message of ["v-1", "v-2", "v-newest"]) await say(message);
  const newest = await newestVersion(cp);
  await waitInSync(cp, steady.id, newest.version);
  await cp.down();
  await restarted.up();
  const status = (await restarted.status()) as { version: number; source?: string };
  assert.equal(status.version, cached.version);
  assert.equal(status.source, "cache");
  const res = await fetch(`${restarted.proxyUrl}/hello`);
  assert.equal(res.status, 200);
  assert.match(await res.text(), /v-cached/);
  // and the other one keeps serving what it runs
  assert.match(await (await fetch(`${steady.proxyUrl}/hello`)).text(), /v-newest/);
});

test("when the control plane is back, the data plane catches up to the newest version only", async () => {
  const appliesBefore = await restarted.applies();
  const seen: number[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const v = (await restarted.status()).version;
      if (v !== null && seen.at(-1) !== v) seen.push(v);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await cp.up();
  const newest = await newestVersion(cp);
  try {
    await waitInSync(cp, restarted.id, newest.version, 20_000);
  } finally {
    sampling = false;
    await sampler;
  }
  assert.deepEqual(seen, [cached.version, newest.version], "versions the data plane ran");
  assert.equal((await restarted.applies()) - appliesBefore, 1, "one apply: the newest version");
  assert.match(await (await fetch(`${restarted.proxyUrl}/hello`)).text(), /v-newest/);
  const other = await dataPlaneView(cp, steady.id);
  assert.deepEqual([other.status, other.applied_version], ["in_sync", newest.version]);
});
