// The control plane's cluster listener (cluster-listener.mjs, used by server.mjs) on real sockets:
// data-plane endpoints only, over mutual TLS with the cluster CA; the main listener's filter.
// Next's handler is stood in by a plain one (the listener decides before Next sees a request).
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { makeClusterPki, mtlsGet } from "@gatehouse/config/testing";
import { createClusterServer, isDataPlanePath, parseClusterListen } from "../cluster-listener.mjs";

const { ca, otherCa, leaf } = makeClusterPki();
const controlPlane = leaf("control-plane");
const dataPlane = leaf("data-plane");
const intruder = leaf("data-plane", otherCa);

const call = (port: number, path: string, client?: { cert: string; key: string }) =>
  mtlsGet(port, path, { ca: ca.cert, ...(client ? { client } : {}) });

test("the cluster listener: data-plane endpoints over mutual TLS only", async (t) => {
  const seen: string[] = [];
  const server = createClusterServer(
    { cert: controlPlane.cert, key: controlPlane.key, ca: ca.cert },
    (req, res) => {
      seen.push(req.url ?? "");
      res.end(JSON.stringify({ version: 1 }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  const ok = await call(port, "/api/v1/dataplane/config", dataPlane);
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), { version: 1 });
  assert.equal((await call(port, "/api/v1/services", dataPlane)).status, 404);
  await assert.rejects(call(port, "/api/v1/dataplane/config")); // no certificate
  await assert.rejects(call(port, "/api/v1/dataplane/config", intruder)); // another CA's
  assert.deepEqual(seen, ["/api/v1/dataplane/config"]);
});

test("which paths are data-plane endpoints (the main listener refuses them with the listener on)", () => {
  for (const p of [
    "/api/v1/dataplane/register",
    "/api/v1/dataplane/config?x=1",
    "/api/v1//DataPlane/heartbeat",
    "/api/v1/%64ataplane/config",
    "/api/v1/dataplane",
    "/api/v1/%zz",
  ]) {
    assert.equal(isDataPlanePath(p), true, p);
  }
  for (const p of ["/api/v1/services", "/api/v1/dataplanes", "/", "/api/v1/data-planes"]) {
    assert.equal(isDataPlanePath(p), false, p);
  }
  assert.deepEqual(parseClusterListen("0.0.0.0:8005"), { host: "0.0.0.0", port: 8005 });
  assert.throws(() => parseClusterListen("8005"), /GATEHOUSE_CLUSTER_LISTEN: must be HOST:PORT/);
});
