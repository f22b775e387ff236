// Issue 9 item 6: an editor pointing a service at an internal endpoint. The admin-only upstream deny
// list is pushed to a real data plane, which refuses the upstream; the request simulator shows
// editors the status and headers, not the internal body.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { client, tokenFor } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startControlPlane, startDataPlane, waitInSync } from "./helpers/cluster.js";

const debugToken = `debug-${randomBytes(12).toString("hex")}`;
let cp: ControlPlane;
let dp: DataPlane;
let api: ReturnType<typeof client>;
let editor: ReturnType<typeof client>;
let internal: Server;
let internalPort = 0;
let connections = 0;

before(async () => {
  // stands for an internal endpoint (a database console, a metadata service...)
  internal = createServer((_req, res) => {
    res.setHeader("x-internal", "yes");
    res.end("internal secret");
  });
  internal.on("connection", () => connections++);
  await new Promise<void>((r) => internal.listen(0, "127.0.0.1", r));
  internalPort = (internal.address() as AddressInfo).port;
  cp = await startControlPlane({ env: { GATEHOUSE_DEBUG_TOKEN: debugToken } });
  api = client(cp);
  editor = client(cp, await tokenFor(cp, "editor"));
  const ok = (r: { status: number; text: string }) => assert.ok(r.status < 300, r.text);
  ok(
    await editor("POST", "/api/v1/services", {
      body: { name: "internal", url: `http://127.0.0.1:${internalPort}` },
    }),
  );
  ok(await editor("POST", "/api/v1/services/internal/routes", { body: { paths: ["/internal"] } }));
  dp = await startDataPlane(cp, { env: { GATEHOUSE_DEBUG_TOKEN: debugToken } });
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
});
after(async () => {
  await dp?.stop();
  await cp?.stop();
  internal?.closeAllConnections();
  await new Promise((r) => internal?.close(r));
});

const simulate = (as: ReturnType<typeof client>) =>
  as("POST", "/api/v1/simulate", {
    body: { data_plane_id: dp.id, method: "GET", path: "/internal" },
  });

test("SSRF read-back: the simulator shows an editor the status and headers, not the upstream body", async () => {
  const r = await simulate(editor);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 200);
  assert.equal(r.body.headers["x-internal"], "yes");
  assert.equal(r.body.body, null);
  assert.equal(r.body.body_hidden, true);
  assert.doesNotMatch(r.text, /internal secret/);

  const asAdmin = await simulate(api);
  assert.equal(asAdmin.body.body, "internal secret");
  assert.equal(asAdmin.body.body_hidden, false);

  // an admin may let editors see bodies
  assert.equal(
    (await editor("PATCH", "/api/v1/settings", { body: { simulator_show_body: true } })).status,
    403,
  );
  const on = await api("PATCH", "/api/v1/settings", { body: { simulator_show_body: true } });
  assert.equal(on.status, 200, on.text);
  assert.equal(on.body.simulator_show_body, true);
  assert.equal((await simulate(editor)).body.body, "internal secret");
  await api("PATCH", "/api/v1/settings", { body: { simulator_show_body: false } });
  assert.equal((await simulate(editor)).body.body, null);
});

test("the admin's upstream deny list is a new version pushed to the data plane, which refuses the upstream", async () => {
  assert.equal((await fetch(`${dp.proxyUrl}/internal`)).status, 200);
  const rule = `127.0.0.1:${internalPort}`;

  const byEditor = await editor("PATCH", "/api/v1/settings", { body: { upstream_deny: [rule] } });
  assert.equal(byEditor.status, 403, byEditor.text);
  const bad = await api("PATCH", "/api/v1/settings", { body: { upstream_deny: ["internal.lan"] } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.body.errors.length, 1, bad.text);
  assert.match(bad.body.errors[0].path, /^upstream_deny(\.0|\[0\])$/);
  assert.equal(
    bad.body.errors[0].message,
    '"internal.lan" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)',
  );

  const before = await newestVersion(cp);
  const set = await api("PATCH", "/api/v1/settings", { body: { upstream_deny: [rule] } });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(set.body.upstream_deny, [rule]);
  const after = await newestVersion(cp);
  assert.ok(after.version > before.version);
  const snapshot = await api("GET", `/api/v1/config/versions/${after.version}`);
  assert.deepEqual(snapshot.body.snapshot.upstream_deny, [rule]);
  await waitInSync(cp, dp.id, after.version);

  const seen = connections;
  const refused = await fetch(`${dp.proxyUrl}/internal`);
  assert.equal(refused.status, 502);
  assert.doesNotMatch(await refused.text(), /internal secret|127\.0\.0\.1/);
  assert.equal(connections, seen);
  // the gateway's own answer (source error) is no upstream's body: editors see it
  const sim = await simulate(editor);
  assert.equal(sim.body.status, 502);
  assert.equal(sim.body.trace.source, "error");
  assert.deepEqual(JSON.parse(sim.body.body as string), {
    message: "An invalid response was received from the upstream server",
  });

  // an editor's import may not change it, but may carry the current list (export → import)
  const exported = await api("GET", "/api/v1/config/export?format=json");
  assert.deepEqual(exported.body.upstream_deny, [rule]);
  const same = await editor("POST", "/api/v1/config/import?mode=sync", { body: exported.body });
  assert.equal(same.status, 200, same.text);
  const widened = await editor("POST", "/api/v1/config/import?mode=sync", {
    body: { ...exported.body, upstream_deny: [] },
  });
  assert.equal(widened.status, 403, widened.text);
  assert.deepEqual(widened.body.errors, [
    {
      path: "upstream_deny",
      message: "differs from the current setting; only an admin can change it",
    },
  ]);

  // back to the default: the internal endpoint on 127.0.0.1 is reachable again
  const reset = await api("PATCH", "/api/v1/settings", { body: { upstream_deny: null } });
  assert.equal(reset.body.upstream_deny, null);
  assert.ok(reset.body.upstream_deny_default.includes("169.254.0.0/16"));
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
  assert.equal((await fetch(`${dp.proxyUrl}/internal`)).status, 200);
});
