// Issue 9, the upgrade: a database whose newest version still names svc-b's targets after the host
// svc-a shares (the old export, which data planes now refuse) must not leave a starting data plane
// without a config until someone makes a change: the admin commits the current export first.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { hashConfig } from "@gatehouse/config";
import { createPrismaClient } from "@gatehouse/db/client";
import type { PrismaClient } from "@gatehouse/db/client";
import { client } from "./helpers/admin.js";
import type { ControlPlane, DataPlane } from "./helpers/cluster.js";
import { newestVersion, startControlPlane, startDataPlane, waitInSync } from "./helpers/cluster.js";

let cp: ControlPlane;
let dp: DataPlane | undefined;
let prisma: PrismaClient;
let api: ReturnType<typeof client>;
const servers: Server[] = [];
const port: Record<string, number> = {};

const ok = (r: { status: number; text: string }) => assert.ok(r.status < 300, r.text);

before(async () => {
  for (const name of ["svc-a", "svc-b"]) {
    const server = createServer((_req, res) => res.end(name));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port[name] = (server.address() as AddressInfo).port;
  }
  cp = await startControlPlane();
  api = client(cp);
  prisma = createPrismaClient(cp.db.url, { maxConnections: 2 });
  for (const name of ["svc-a", "svc-b"]) {
    ok(
      await api("POST", "/api/v1/services", {
        body: { name, url: `http://127.0.0.1:${port[name]}` },
      }),
    );
    ok(await api("POST", `/api/v1/services/${name}/routes`, { body: { paths: [`/${name}`] } }));
  }
  ok(
    await api("POST", "/api/v1/services/svc-b/targets", {
      body: { target: `127.0.0.1:${port["svc-b"]}` },
    }),
  );
});
after(async () => {
  await dp?.stop();
  await prisma?.$disconnect();
  await cp?.stop();
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a stored version in the old host-named shape is re-exported before a data plane gets it", async () => {
  // the newest version as the admin used to export it: svc-b's targets under "127.0.0.1"
  const current = (await api("GET", "/api/v1/config/export?format=json")).body as {
    services: { name: string; host: string }[];
    upstreams: { name: string; host_header?: string }[];
  };
  const legacy = structuredClone(current);
  for (const s of legacy.services) if (s.name === "svc-b") s.host = "127.0.0.1";
  for (const u of legacy.upstreams) {
    u.name = "127.0.0.1";
    delete u.host_header;
  }
  await prisma.configVersion.create({
    data: { hash: hashConfig(legacy), snapshot: legacy as object, author: "old admin" },
  });
  const stale = await newestVersion(cp);

  const plane = await startDataPlane(cp);
  dp = plane;
  const newest = await newestVersion(cp);
  assert.equal(newest.version, stale.version + 1, "one version committed by the admin");
  await waitInSync(cp, plane.id, newest.version);
  for (let i = 0; i < 6; i++) {
    const r = await fetch(`${plane.proxyUrl}/svc-a`);
    assert.equal(await r.text(), "svc-a");
  }
  const versions = await api("GET", "/api/v1/config/versions?sort_desc=true&size=1");
  assert.equal(versions.body.data[0].author, "gatehouse");
  assert.equal(
    versions.body.data[0].message,
    "the configuration re-exported in this admin's format",
  );

  // nothing to re-export any more: registering again commits nothing
  await plane.down();
  await plane.up();
  await waitInSync(cp, plane.id, newest.version);
  assert.equal((await newestVersion(cp)).version, newest.version);
});
