// End to end: ACL groups stored through the admin API decide what a real data plane lets through.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startControlPlane, startDataPlane, waitInSync } from "./helpers/cluster.js";

let cp: ControlPlane;
let dp: DataPlane;
let api: ReturnType<typeof client>;

before(async () => {
  cp = await startControlPlane();
  api = client(cp);
  const ok = (r: { status: number; text: string }) => assert.ok(r.status < 300, r.text);
  ok(await api("POST", "/api/v1/routes", { body: { name: "ops-only", paths: ["/ops"] } }));
  for (const body of [
    { name: "key-auth", config: {} },
    { name: "acl", config: { allow: ["ops"] } },
    { name: "request-termination", config: { status_code: 200, message: "welcome" } },
  ]) {
    ok(await api("POST", "/api/v1/routes/ops-only/plugins", { body }));
  }
  for (const username of ["ann", "bo"]) {
    ok(await api("POST", "/api/v1/consumers", { body: { username } }));
    ok(
      await api("POST", `/api/v1/consumers/${username}/key-auth`, {
        body: { key: `${username}-key-1` },
      }),
    );
  }
  ok(await api("POST", "/api/v1/consumers/ann/acls", { body: { group: "ops" } }));
  dp = await startDataPlane(cp, { env: { GATEHOUSE_KEY_HASH_SECRET: cp.keyHashSecret } });
});
after(async () => {
  await dp?.stop();
  await cp?.stop();
});

const call = (key: string) =>
  fetch(`${dp.proxyUrl}/ops`, { headers: { apikey: key } }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
  }));

test("a data plane lets a consumer through once the admin puts it in an allowed group", async () => {
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
  const ann = await call("ann-key-1");
  assert.equal(ann.status, 200, ann.text);
  assert.match(ann.text, /welcome/);
  assert.equal((await call("bo-key-1")).status, 403);

  const added = await api("POST", "/api/v1/consumers/bo/acls", { body: { group: "ops" } });
  assert.equal(added.status, 201, added.text);
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
  assert.equal((await call("bo-key-1")).status, 200);

  assert.equal((await api("DELETE", "/api/v1/consumers/ann/acls/ops")).status, 204);
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
  assert.equal((await call("ann-key-1")).status, 403);
});
