// Issue 9, end to end: targets added to one service through the admin API never receive another
// service's traffic on a real data plane, even when both services name the same host; a document
// that would merge two services onto one upstream is refused by the admin's import.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startControlPlane, startDataPlane, waitInSync } from "./helpers/cluster.js";

let cp: ControlPlane;
let dp: DataPlane;
let api: ReturnType<typeof client>;
const backends: Server[] = [];
const port: Record<string, number> = {};

/** A backend on 127.0.0.1 answering its name. */
async function backend(name: string): Promise<number> {
  const server = createServer((_req, res) => res.end(name));
  backends.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const ok = (r: { status: number; text: string }) => assert.ok(r.status < 300, r.text);

before(async () => {
  for (const name of ["svc-a", "svc-b", "svc-b-2"]) port[name] = await backend(name);
  cp = await startControlPlane();
  api = client(cp);
  for (const name of ["svc-a", "svc-b"]) {
    ok(
      await api("POST", "/api/v1/services", {
        body: { name, url: `http://127.0.0.1:${port[name]}` },
      }),
    );
    ok(await api("POST", `/api/v1/services/${name}/routes`, { body: { paths: [`/${name}`] } }));
  }
  dp = await startDataPlane(cp);
});
after(async () => {
  await dp?.stop();
  await cp?.stop();
  for (const server of backends) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function answers(path: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${dp.proxyUrl}${path}`);
    assert.equal(r.status, 200);
    seen.push(await r.text());
  }
  return seen;
}

test("targets added to svc-b on svc-a's host never receive svc-a's traffic", async () => {
  for (const target of [`127.0.0.1:${port["svc-b"]}`, `127.0.0.1:${port["svc-b-2"]}`]) {
    const r = await api("POST", "/api/v1/services/svc-b/targets", { body: { target } });
    assert.equal(r.status, 201, r.text);
  }
  await waitInSync(cp, dp.id, (await newestVersion(cp)).version);

  assert.deepEqual(await answers("/svc-a", 8), Array(8).fill("svc-a"));
  assert.deepEqual(
    [...new Set(await answers("/svc-b", 8))].sort(),
    ["svc-b", "svc-b-2"],
    "svc-b balances over its own targets",
  );

  const doc = (await api("GET", "/api/v1/config/export?format=json")).body as {
    services: { name: string; host: string; port: number }[];
    upstreams: { name: string; host_header: string; targets: { target: string }[] }[];
  };
  const svc = Object.fromEntries(doc.services.map((s) => [s.name, s]));
  assert.equal(svc["svc-a"]?.host, "127.0.0.1");
  assert.equal(svc["svc-b"]?.host, "svc-b.upstream");
  assert.deepEqual(
    doc.upstreams.map((u) => [u.name, u.host_header, u.targets.map((t) => t.target)]),
    [
      [
        "svc-b.upstream",
        "127.0.0.1",
        [`127.0.0.1:${port["svc-b"]}`, `127.0.0.1:${port["svc-b-2"]}`].sort(),
      ],
    ],
  );
  // the service's own host is what the API (and the UI) still show
  assert.equal((await api("GET", "/api/v1/services/svc-b")).body.host, "127.0.0.1");
});

test("importing a document that merges two services onto one upstream is 400 and writes nothing", async () => {
  const before = await api("GET", "/api/v1/config/export?format=json");
  // what the admin used to export: svc-b's targets under an upstream named after the shared host
  const merged = {
    _format_version: "3.0",
    services: [
      { name: "svc-a", protocol: "http", host: "127.0.0.1", port: port["svc-a"] },
      { name: "svc-b", protocol: "http", host: "127.0.0.1", port: port["svc-b"] },
    ],
    upstreams: [{ name: "127.0.0.1", targets: [{ target: `127.0.0.1:${port["svc-b"]}` }] }],
  };
  for (const path of ["/api/v1/config/import", "/api/v1/config/validate"]) {
    const r = await api("POST", path, { body: merged });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(r.body.errors, [
      {
        path: "services[1].host",
        message:
          `names upstream "127.0.0.1" as services[0] does, but with port ${port["svc-b"]} ` +
          `instead of ${port["svc-a"]}: that upstream's targets would serve both services (a ` +
          "service balancing over an upstream does not use its port); give each service its own upstream",
      },
    ]);
  }
  assert.equal((await api("GET", "/api/v1/config/export?format=json")).text, before.text);
  assert.deepEqual(await answers("/svc-a", 4), Array(4).fill("svc-a"));
});

test("the export imports back unchanged: each service keeps its own host and targets", async () => {
  const exported = await api("GET", "/api/v1/config/export?format=json");
  const r = await api("POST", "/api/v1/config/import?mode=sync", { body: exported.body });
  assert.equal(r.status, 200, r.text);
  assert.equal((await api("GET", "/api/v1/config/export?format=json")).text, exported.text);
  assert.equal((await api("GET", "/api/v1/services/svc-b")).body.host, "127.0.0.1");
  assert.equal((await api("GET", "/api/v1/services/svc-a/targets")).body.data.length, 0);
});
