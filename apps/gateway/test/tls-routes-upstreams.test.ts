// Route `protocols` and `https_redirect_status_code` (Kong's 426, or a redirect to https), and
// upstreams over https: verification on by default (502 through the error path), off, against
// the service's CA certificates, and mutual TLS with the service's client certificate.
import assert from "node:assert/strict";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { TestContext } from "node:test";
import type { TLSSocket } from "node:tls";
import { makeCertificate } from "@gatehouse/config/testing";
import { doc, echoUpstream, gateway, send } from "./helpers.js";
import { sendTls } from "./helpers/tls.js";

const edge = makeCertificate({ cn: "edge.test", sans: ["edge.test"] });
const ca = makeCertificate({ cn: "Upstream CA", ca: true });
const upstreamCert = makeCertificate({
  cn: "localhost",
  sans: ["localhost", "127.0.0.1"],
  issuer: ca,
});
const clientCa = makeCertificate({ cn: "Client CA", ca: true });
const client = makeCertificate({ cn: "gatehouse-client", issuer: clientCa });

test("plain HTTP to an https-only route: 426 by default, a redirect when configured", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "s",
          url: up,
          routes: [
            { name: "secure", paths: ["/secure"], protocols: ["https"] },
            {
              name: "moved",
              paths: ["/moved"],
              protocols: ["https"],
              https_redirect_status_code: 308,
            },
            { name: "any", paths: ["/any"] },
          ],
        },
      ],
      { certificates: [{ cert: edge.cert, key: edge.key }] },
    ),
  );
  const refused = await send(`${gw.url}/secure`);
  assert.equal(refused.status, 426);
  assert.deepEqual(refused.json(), { message: "Please use HTTPS protocol" });
  assert.equal(refused.headers.upgrade, "TLS/1.2, HTTP/1.1");
  const xml = await send(`${gw.url}/secure`, { headers: { accept: "application/xml" } });
  assert.match(xml.headers["content-type"] ?? "", /xml/);
  const moved = await send(`${gw.url}/moved/a?b=1`, { headers: { host: "edge.test" } });
  assert.equal(moved.status, 308);
  assert.equal(moved.headers.location, `https://edge.test:${new URL(gw.tlsUrl).port}/moved/a?b=1`);
  assert.equal((await send(`${gw.url}/any`)).status, 200);
  const secure = await sendTls(`${gw.tlsUrl}/secure`, { servername: "edge.test" });
  assert.equal(secure.status, 200);
});

async function httpsUpstream(
  t: TestContext,
  opts: { mtls?: boolean } = {},
): Promise<{ url: string; clients: string[] }> {
  const clients: string[] = [];
  const server = createServer(
    {
      cert: `${upstreamCert.cert}${ca.cert}`,
      key: upstreamCert.key,
      ...(opts.mtls ? { requestCert: true, rejectUnauthorized: true, ca: clientCa.cert } : {}),
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      clients.push(String(peer.subject?.CN ?? ""));
      res.end("secure upstream");
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `https://localhost:${(server.address() as AddressInfo).port}`, clients };
}

test("upstream TLS: verified by default (502), against ca_certificates (200), or not at all", async (t) => {
  const up = await httpsUpstream(t);
  const gw = await gateway(
    t,
    doc(
      [
        { name: "default", url: up.url, routes: [{ paths: ["/default"] }] },
        {
          name: "trusted",
          url: up.url,
          ca_certificates: ["ca-1"],
          routes: [{ paths: ["/trusted"] }],
        },
        { name: "unverified", url: up.url, tls_verify: false, routes: [{ paths: ["/off"] }] },
        {
          name: "too-deep",
          url: up.url,
          ca_certificates: ["ca-1"],
          tls_verify_depth: 0,
          routes: [{ paths: ["/depth"] }],
        },
      ],
      { ca_certificates: [{ id: "ca-1", cert: ca.cert }] },
    ),
  );
  const refused = await send(`${gw.url}/default`);
  assert.equal(refused.status, 502);
  // the only difference with /off: verification (a 502 through the error formatting)
  assert.deepEqual(refused.json(), {
    message: "An invalid response was received from the upstream server",
  });
  assert.equal((await send(`${gw.url}/trusted`)).text, "secure upstream");
  assert.equal((await send(`${gw.url}/off`)).text, "secure upstream");
  const deep = await send(`${gw.url}/depth`);
  assert.equal(deep.status, 502);
});

test("upstream mutual TLS: the service's client_certificate is presented", async (t) => {
  const up = await httpsUpstream(t, { mtls: true });
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "mtls",
          url: up.url,
          ca_certificates: ["ca-1"],
          client_certificate: { id: "client" },
          routes: [{ paths: ["/mtls"] }],
        },
        {
          name: "anonymous",
          url: up.url,
          ca_certificates: ["ca-1"],
          routes: [{ paths: ["/anon"] }],
        },
      ],
      {
        ca_certificates: [{ id: "ca-1", cert: ca.cert }],
        certificates: [{ id: "client", cert: client.cert, key: client.key }],
      },
    ),
  );
  const ok = await send(`${gw.url}/mtls`);
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(up.clients, ["gatehouse-client"]);
  assert.equal((await send(`${gw.url}/anon`)).status, 502);
});
