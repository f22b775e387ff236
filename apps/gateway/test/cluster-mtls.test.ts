// Mutual TLS between the planes (GATEHOUSE_CLUSTER_CERT / _KEY / _CA) on real sockets: the
// control endpoint takes only clients whose certificate the cluster CA signed, and the data
// plane's calls to the control plane present its certificate and verify the control plane's.
import assert from "node:assert/strict";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import { test } from "node:test";
import type { TLSSocket } from "node:tls";
import { clusterServerTlsOptions, readClusterTls } from "@gatehouse/config/cluster-tls";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import { makeClusterPki, mtlsGet } from "@gatehouse/config/testing";
import { pullConfig } from "../src/cluster/agent.js";
import { startGateway } from "../src/testing.js";
import { doc } from "./helpers.js";

const { ca, otherCa, leaf } = makeClusterPki();
const admin = leaf("control-plane");
const dataPlane = leaf("data-plane");
const intruder = leaf("data-plane", otherCa);

const tlsOf = (cert: { cert: string; key: string }, caCert = ca): ClusterTls => ({
  cert: cert.cert,
  key: cert.key,
  ca: caCert.cert,
});

/** One HTTPS call to 127.0.0.1:`port` with `client` as the client certificate (or none). */
const call = (
  port: number,
  path: string,
  opts: { client?: { cert: string; key: string }; token?: string } = {},
) =>
  mtlsGet(port, path, {
    ca: ca.cert,
    ...(opts.client ? { client: opts.client } : {}),
    ...(opts.token ? { headers: { authorization: `Bearer ${opts.token}` } } : {}),
  });

async function gatewayWithClusterTls(t: TestContext) {
  const gw = await startGateway(doc([]), { clusterTls: tlsOf(dataPlane) });
  t.after(() => gw.close());
  return { gw, port: (gw.gateway.control.server.address() as AddressInfo).port };
}

test("control endpoint over mTLS: a client certificate the cluster CA signed (and the token) is accepted", async (t) => {
  const { gw, port } = await gatewayWithClusterTls(t);
  const ok = await call(port, "/v1/status", { client: admin, token: gw.token });
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.body) as { version: number }).version, 0);
  // the token is still checked on top of the certificate
  assert.equal((await call(port, "/v1/status", { client: admin })).status, 401);
});

test("control endpoint over mTLS: no client certificate, another CA's, or plain HTTP is refused", async (t) => {
  const { gw, port } = await gatewayWithClusterTls(t);
  await assert.rejects(call(port, "/v1/status", { token: gw.token }));
  await assert.rejects(call(port, "/v1/status", { client: intruder, token: gw.token }));
  const plain = await fetch(`http://127.0.0.1:${port}/v1/status`).then(
    (r) => r.status,
    () => "refused",
  );
  assert.notEqual(plain, 200);
  // still serving the right client afterwards
  assert.equal((await call(port, "/v1/status", { client: admin, token: gw.token })).status, 200);
});

/** A control plane's cluster listener stand-in: mTLS, answers the config pull. */
async function controlPlane(t: TestContext, tls: ClusterTls) {
  const peers: string[] = [];
  const server = createServer(clusterServerTlsOptions(tls), (req, res) => {
    peers.push(String((req.socket as TLSSocket).getPeerCertificate().subject.CN));
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ version: 7, config: doc([]) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, peers };
}

test("the data plane's calls present its certificate and verify the control plane's", async (t) => {
  const cp = await controlPlane(t, tlsOf(admin));
  const signal = AbortSignal.timeout(5000);
  const pulled = await pullConfig(
    { baseUrl: cp.url, token: "a-cluster-token-123", tls: tlsOf(dataPlane) },
    signal,
  );
  assert.equal(pulled.version, 7);
  assert.deepEqual(cp.peers, ["data-plane"]);
  // a data plane with another CA's certificate is refused at the handshake
  await assert.rejects(
    pullConfig({ baseUrl: cp.url, token: "x", tls: tlsOf(intruder, otherCa) }, signal),
  );
  // a data plane whose CA did not sign the control plane's certificate refuses to talk to it
  await assert.rejects(
    pullConfig(
      { baseUrl: cp.url, token: "x", tls: { ...tlsOf(dataPlane), ca: otherCa.cert } },
      signal,
    ),
  );
  // no certificate at all (the plain fetch path over https): refused by the control plane
  await assert.rejects(pullConfig({ baseUrl: cp.url, token: "x" }, signal));
  // with the certificate set, an http:// control plane URL is a clear error, not a silent downgrade
  await assert.rejects(
    pullConfig(
      { baseUrl: cp.url.replace("https", "http"), token: "x", tls: tlsOf(dataPlane) },
      signal,
    ),
    /must be https/,
  );
  assert.equal(cp.peers.length, 1);
});

test("GATEHOUSE_CLUSTER_*: all three or none, PEM or file, key and CA checked, each named", () => {
  assert.equal(readClusterTls({}), undefined);
  assert.throws(
    () => readClusterTls({ GATEHOUSE_CLUSTER_CERT: dataPlane.cert }),
    /GATEHOUSE_CLUSTER_KEY: must be set[\s\S]*GATEHOUSE_CLUSTER_CA: must be set/,
  );
  assert.throws(
    () =>
      readClusterTls({
        GATEHOUSE_CLUSTER_CERT: dataPlane.cert,
        GATEHOUSE_CLUSTER_KEY: admin.key,
        GATEHOUSE_CLUSTER_CA: dataPlane.cert,
      }),
    /GATEHOUSE_CLUSTER_KEY: does not match[\s\S]*GATEHOUSE_CLUSTER_CA: must be a CA certificate/,
  );
  assert.throws(
    () =>
      readClusterTls({
        GATEHOUSE_CLUSTER_CERT: "/nonexistent/cluster.crt",
        GATEHOUSE_CLUSTER_KEY: dataPlane.key,
        GATEHOUSE_CLUSTER_CA: ca.cert,
      }),
    /GATEHOUSE_CLUSTER_CERT: cannot read "\/nonexistent\/cluster.crt" \(ENOENT\)/,
  );
  const ok = readClusterTls({
    GATEHOUSE_CLUSTER_CERT: dataPlane.cert,
    GATEHOUSE_CLUSTER_KEY: dataPlane.key,
    GATEHOUSE_CLUSTER_CA: ca.cert,
  });
  assert.equal(ok?.ca, ca.cert);
});
