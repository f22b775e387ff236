// Database outage: data planes keep serving what they run; the control plane recovers by itself
// (API, heartbeats, distribution) when the database is back.
import assert from "node:assert/strict";
import { createServer, Socket as NetSocket } from "node:net";
import type { Server, Socket } from "node:net";
import { after, before, test } from "node:test";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import {
  newestVersion,
  startControlPlane,
  startDataPlane,
  waitFor,
  waitInSync,
} from "./helpers/cluster.js";

/** A TCP relay in front of PostgreSQL that can be cut (every connection reset, new ones refused). */
async function relay(target: { host: string; port: number }) {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((downstream) => {
    if (!open) return downstream.destroy();
    const upstream = new NetSocket();
    sockets.add(downstream).add(upstream);
    const drop = () => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    upstream.connect(target.port, target.host);
    downstream.pipe(upstream).pipe(downstream);
    downstream.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as { port: number }).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

let db: TestDatabase;
let gate: Awaited<ReturnType<typeof relay>>;
let cp: ControlPlane;
let dps: DataPlane[] = [];
let api: ReturnType<typeof client>;
let pluginId: string;

before(async () => {
  db = await createTestDatabase();
  const url = new URL(db.url);
  gate = await relay({ host: url.hostname, port: Number(url.port || 5432) });
  url.hostname = "127.0.0.1";
  url.port = String(gate.port);
  cp = await startControlPlane({ databaseUrl: url.href });
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
  assert.ok(change.status >= 500, `a change without a database: ${change.status}`);
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
