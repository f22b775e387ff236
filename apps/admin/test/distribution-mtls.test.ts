// The distributor pushing to a real data plane (the built gateway) over mutual TLS: with the
// cluster certificate the control plane's pushes are accepted; a control plane whose certificate
// another CA signed is refused at the handshake (the data plane is recorded unreachable and keeps
// what it runs). The data plane's own calls over mTLS: apps/gateway/test/cluster-mtls.test.ts.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { createPrismaClient } from "@gatehouse/db/client";
import type { PrismaClient } from "@gatehouse/db/client";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";
import { makeClusterPki, mtlsGet } from "@gatehouse/config/testing";
import { Distributor } from "../src/server/distribution/distributor";
import type { PushEvent } from "../src/server/distribution/distributor";
import type { DataPlane } from "./helpers/cluster.js";
import { commitRoute, startDataPlane, waitFor } from "./helpers/cluster.js";

const token = `cluster-${randomBytes(16).toString("hex")}`;
const quiet = { info() {}, warn() {}, error() {} };
const { ca, otherCa, leaf } = makeClusterPki();
const controlPlane = leaf("control-plane");
const dataPlane = leaf("data-plane");
const intruder = leaf("control-plane", otherCa);
let db: TestDatabase;
let prisma: PrismaClient;
let dp: DataPlane;
const distributors: Distributor[] = [];

before(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  // a real data plane with the cluster certificate; its control plane URL leads nowhere (the row
  // is written below), its control endpoint is HTTPS requiring a certificate the CA signed
  dp = await startDataPlane(
    { url: "https://127.0.0.1:1", clusterToken: token },
    {
      waitReady: false,
      env: {
        GATEHOUSE_CLUSTER_CERT: dataPlane.cert,
        GATEHOUSE_CLUSTER_KEY: dataPlane.key,
        GATEHOUSE_CLUSTER_CA: ca.cert,
      },
    },
  );
  await prisma.dataPlane.create({
    data: { id: dp.id, controlAddress: dp.controlUrl, plugins: [] },
  });
});
after(async () => {
  await Promise.all(distributors.map((d) => d.stop()));
  await dp?.stop();
  await prisma?.$disconnect();
  await db?.drop();
});

const commit = (n: number): Promise<number> => commitRoute(prisma, n);

/** The version the data plane runs, asked over mTLS with the control plane's certificate. */
async function running(): Promise<number | null> {
  const port = Number(new URL(dp.controlUrl).port);
  const r = await mtlsGet(port, "/v1/status", {
    ca: ca.cert,
    client: controlPlane,
    headers: { authorization: `Bearer ${token}` },
  });
  return (JSON.parse(r.body) as { version: number | null }).version;
}

function distributor(cert: { cert: string; key: string }, caCert: string): Distributor {
  const d = new Distributor({
    prisma,
    clusterToken: token,
    clusterTls: { cert: cert.cert, key: cert.key, ca: caCert },
    pollIntervalMs: 60_000,
    coalesceMs: 0,
    retryInitialMs: 5_000,
    log: quiet,
  });
  distributors.push(d);
  return d;
}

test("pushes over mutual TLS: accepted with the cluster CA's certificate, refused with another CA's", async () => {
  assert.match(dp.controlUrl, /^https:\/\//);
  const first = await commit(1);
  const good = distributor(controlPlane, ca.cert);
  const events: PushEvent[] = [];
  good.onPush((e) => events.push(e));
  await good.sync();
  await waitFor("the push over mTLS", async () => (await running()) === first);
  await waitFor("the applied event", async () =>
    events.some((e) => e.version === first && e.outcome === "applied"),
  );
  await good.stop();

  const second = await commit(2);
  const bad = distributor(intruder, otherCa.cert);
  const refused: PushEvent[] = [];
  bad.onPush((e) => refused.push(e));
  await bad.sync();
  await waitFor("the refused push", async () =>
    refused.some((e) => e.version === second && e.outcome === "unreachable"),
  );
  assert.equal(await running(), first);
  const row = await prisma.dataPlane.findUnique({ where: { id: dp.id } });
  assert.equal(row?.status, "unreachable");
});
