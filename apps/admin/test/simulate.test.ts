// The request simulator sends a composed request through a real registered data plane with tracing
// on and shows what ran there.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { client, tokenFor } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import {
  dataPlaneView,
  newestVersion,
  startControlPlane,
  startDataPlane,
  waitInSync,
} from "./helpers/cluster.js";

const debugToken = `debug-${randomBytes(12).toString("hex")}`;
let cp: ControlPlane;
let dp: DataPlane;
let api: ReturnType<typeof client>;

before(async () => {
  cp = await startControlPlane({ env: { GATEHOUSE_DEBUG_TOKEN: debugToken } });
  api = client(cp);
  const ok = (r: { status: number; text: string }) => assert.ok(r.status < 300, r.text);
  ok(await api("POST", "/api/v1/routes", { body: { name: "guarded", paths: ["/guarded"] } }));
  ok(
    await api("POST", "/api/v1/routes/guarded/plugins", {
      body: { name: "key-auth", config: {} },
    }),
  );
  dp = await startDataPlane(cp, { env: { GATEHOUSE_DEBUG_TOKEN: debugToken } });
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);
});
after(async () => {
  await dp?.stop();
  await cp?.stop();
});

interface Simulated {
  status: number;
  headers: Record<string, string>;
  body: string;
  duration_ms: number;
  request: { host: string };
  trace: {
    route: string | null;
    source: string;
    plugins: { plugin: string; phase: string; ms: number; outcome: string }[];
  } | null;
}

test("the data plane reports its proxy URL when it registers", async () => {
  const view = (await dataPlaneView(cp, dp.id)) as unknown as { proxy_url: string };
  assert.equal(view.proxy_url, dp.proxyUrl);
});

test("a request without a key: 401, and the trace shows key-auth exiting in access", async () => {
  const editor = await tokenFor(cp, "editor");
  const r = await client(cp, editor)("POST", "/api/v1/simulate", {
    body: {
      data_plane_id: dp.id,
      method: "GET",
      path: "/guarded",
      host: "api.example.test",
      headers: { accept: "application/json" },
    },
  });
  assert.equal(r.status, 200, r.text);
  const result = r.body as Simulated;
  assert.equal(result.status, 401, result.body);
  assert.match(result.headers["www-authenticate"] ?? "", /^Key/);
  assert.equal(result.headers["x-gatehouse-trace"], undefined);
  assert.equal(result.request.host, "api.example.test");
  assert.equal(result.trace?.route, "guarded");
  assert.equal(result.trace?.source, "exit");
  const step = result.trace?.plugins.find((p) => p.plugin === "key-auth");
  assert.deepEqual(
    { phase: step?.phase, outcome: step?.outcome, timed: typeof step?.ms },
    { phase: "access", outcome: "exit", timed: "number" },
  );
  assert.ok(result.duration_ms > 0);
});

test("a viewer may not simulate, and bad input is refused naming the fields", async () => {
  const viewer = await tokenFor(cp, "viewer");
  const denied = await client(cp, viewer)("POST", "/api/v1/simulate", {
    body: { data_plane_id: dp.id, method: "GET", path: "/guarded" },
  });
  assert.equal(denied.status, 403, denied.text);

  const bad = await api("POST", "/api/v1/simulate", {
    body: { data_plane_id: dp.id, method: "GET", path: "guarded", headers: { host: "x" } },
  });
  assert.equal(bad.status, 400, bad.text);
  assert.deepEqual(
    (bad.body.errors as { path: string }[]).map((e) => e.path),
    ["path"],
  );
  const unknown = await api("POST", "/api/v1/simulate", {
    body: { data_plane_id: "nope", method: "GET", path: "/guarded" },
  });
  assert.equal(unknown.status, 400, unknown.text);
  assert.match(unknown.text, /data_plane_id/);
});
