import assert from "node:assert/strict";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { spec, startGateway } from "./helpers/proxy-harness.js";
import { TEST_CERT, TEST_KEY } from "./helpers/proxy-tls.js";

async function httpsUpstream() {
  let connections = 0;
  const server = https.createServer({ key: TEST_KEY, cert: TEST_CERT }, (_req, res) =>
    res.end("secure"),
  );
  server.on("secureConnection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test("https upstream with tlsVerify: false is proxied over one kept-alive TLS connection", async (t) => {
  const up = await httpsUpstream();
  const gw = await startGateway(spec([up.port], { protocol: "https", tlsVerify: false }));
  t.after(() => Promise.all([gw.close(), up.close()]));

  for (let i = 0; i < 3; i++) assert.equal(await (await fetch(gw.url)).text(), "secure");
  assert.equal(up.connections(), 1);
});

test("https upstream with an untrusted certificate: 502 GH_UPSTREAM_TLS by default", async (t) => {
  const up = await httpsUpstream();
  const gw = await startGateway(spec([up.port], { protocol: "https" }));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_TLS");
});
