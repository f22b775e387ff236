// Kong's proxy-cache admin API (issue 14): the memory strategy's entries live in each data plane, so
// DELETE /proxy-cache[/{key}] and /proxy-cache/{plugin}/caches/{key} reach every connected one.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { client, tokenFor } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startControlPlane, startDataPlane, waitInSync } from "./helpers/cluster.js";

let cp: ControlPlane;
let planes: DataPlane[] = [];
let api: ReturnType<typeof client>;
let backend: Server;
let hits = 0;

before(async () => {
  backend = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ hit: hits }));
  });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  cp = await startControlPlane();
  api = client(cp);
  planes = await Promise.all([
    startDataPlane(cp, { waitReady: false }),
    startDataPlane(cp, { waitReady: false }),
  ]);
  const port = (backend.address() as AddressInfo).port;
  assert.equal(
    (
      await api("POST", "/api/v1/services", {
        body: { name: "cached", url: `http://127.0.0.1:${port}` },
      })
    ).status,
    201,
  );
  const route = await api("POST", "/api/v1/services/cached/routes", {
    body: { name: "cached-route", paths: ["/cached"] },
  });
  assert.equal(route.status, 201, route.text);
  const plugin = await api("POST", "/api/v1/routes/cached-route/plugins", {
    body: { name: "proxy-cache", instance_name: "page-cache", config: { strategy: "memory" } },
  });
  assert.equal(plugin.status, 201, plugin.text);
  const { version } = await newestVersion(cp);
  await Promise.all(planes.map((dp) => waitInSync(cp, dp.id, version)));
});
after(async () => {
  await Promise.all(planes.map((dp) => dp.stop()));
  await cp?.stop();
  backend?.closeAllConnections();
  await new Promise((resolve) => backend?.close(resolve));
});

async function through(dp: DataPlane, path: string) {
  const r = await fetch(`${dp.proxyUrl}${path}`);
  await r.arrayBuffer();
  return { status: r.headers.get("x-cache-status"), key: r.headers.get("x-cache-key") ?? "" };
}

/** Caches `path` on every data plane (a Miss then a Hit on each); its cache key. */
async function cacheEverywhere(path: string): Promise<string> {
  let key = "";
  for (const dp of planes) {
    key = (await through(dp, path)).key;
    assert.equal((await through(dp, path)).status, "Hit");
  }
  return key;
}

test("DELETE /proxy-cache/{cache_key} purges the entry on every data plane (memory strategy); GET shows it first", async () => {
  const key = await cacheEverywhere("/cached/a");
  const got = await api("GET", `/api/v1/proxy-cache/${key}`);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.strategy, "memory");
  assert.equal(got.body.status, 200);
  assert.ok(planes.some((dp) => dp.id === got.body.data_plane));

  const viewer = await tokenFor(cp, "viewer");
  const refused = await api("DELETE", `/api/v1/proxy-cache/${key}`, { token: viewer });
  assert.equal(refused.status, 403);

  const del = await api("DELETE", `/api/v1/proxy-cache/${key}`);
  assert.equal(del.status, 204, del.text);
  for (const dp of planes) assert.equal((await through(dp, "/cached/a")).status, "Miss");
  // cached again by the Misses above: now purge them through the plugin's own path
  const again = await api("DELETE", `/api/v1/proxy-cache/${key}`);
  assert.equal(again.status, 204);
  const missing = await api("DELETE", `/api/v1/proxy-cache/${key}`);
  assert.equal(missing.status, 404);
  assert.equal((await api("GET", `/api/v1/proxy-cache/${key}`)).status, 404);
});

test("/proxy-cache/{plugin}/caches/{cache_key}: by the plugin's id or instance name; another plugin is 404", async () => {
  const key = await cacheEverywhere("/cached/b");
  const byName = await api("GET", `/api/v1/proxy-cache/page-cache/caches/${key}`);
  assert.equal(byName.status, 200, byName.text);
  const id = byName.body.plugin_id as string;
  assert.equal((await api("DELETE", `/api/v1/proxy-cache/${id}/caches/${key}`)).status, 204);
  for (const dp of planes) assert.equal((await through(dp, "/cached/b")).status, "Miss");
  const unknown = await api(
    "GET",
    `/api/v1/proxy-cache/00000000-0000-4000-8000-000000000000/caches/${key}`,
  );
  assert.equal(unknown.status, 404);
});

test("DELETE /proxy-cache flushes every data plane's cache; OpenAPI documents the endpoints", async () => {
  const a = await cacheEverywhere("/cached/c");
  assert.ok(a);
  const flush = await api("DELETE", "/api/v1/proxy-cache");
  assert.equal(flush.status, 204, flush.text);
  for (const dp of planes) assert.equal((await through(dp, "/cached/c")).status, "Miss");

  const doc = await api("GET", "/api/v1/openapi.json");
  for (const path of [
    "/proxy-cache",
    "/proxy-cache/{key}",
    "/proxy-cache/{key}/caches/{cache_key}",
  ])
    assert.ok(doc.body.paths[`/api/v1${path}`], path);
});
