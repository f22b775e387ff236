// PROXY protocol on the proxy listeners (Kong's `proxy_listen ... proxy_protocol` with
// `real_ip_header = proxy_protocol`), on real loopback sockets: v1 and v2 headers (v2 built byte by
// byte, headers split across TCP segments) before HTTP/1.1, TLS (HTTP/1.1 and h2) and WebSocket
// handshakes; connections without a valid header are closed unanswered; the connecting address
// must be trusted to set the client's; ip-restriction decides on it; --workers shares it.
import assert from "node:assert/strict";
import { connect as h2Connect } from "node:http2";
import { connect as netConnect } from "node:net";
import type { Socket } from "node:net";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { WebSocket, WebSocketServer } from "ws";
import type { ClientOptions } from "ws";
import { makeCertificate } from "@gatehouse/config/testing";
import { buildGateway } from "../src/server.js";
import type { GatewayOptions } from "../src/server.js";
import { control, doc, echoUpstream, gateway, listen, upstream } from "./helpers.js";
import { createServer } from "node:http";
import { run } from "./helpers/cli.js";
import { startCluster } from "./helpers/workers.js";
import { portOf } from "./helpers/tls.js";
import {
  bodyOf,
  rawConnect,
  readAll,
  requestWithHeader,
  v1,
  v2,
  writeSegments,
} from "./helpers/proxy-protocol.js";

const leaf = makeCertificate({ cn: "pp.test", sans: ["pp.test"] });
const certificates = [{ cert: leaf.cert, key: leaf.key, snis: ["pp.test"] }];
const PROXY_IP: Pick<GatewayOptions, "realIp" | "proxyProtocol" | "trustedProxies"> = {
  trustedProxies: ["127.0.0.1"],
  realIp: { header: "proxy_protocol", recursive: false },
  proxyProtocol: { listen: true, listenTls: true },
};

async function ppGateway(t: TestContext, opts: Partial<GatewayOptions> = {}, extra = {}) {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ name: "r", paths: ["/api"] }] }], {
      certificates,
      ...extra,
    }),
    { ...PROXY_IP, ...opts },
  );
  return { gw, port: portOf(gw.url), tlsPort: portOf(gw.tlsUrl) };
}

test("HTTP: the PROXY header's source (v1, and v2 split across TCP segments) is the client's address: X-Real-IP, X-Forwarded-For, for every request of the connection", async (t) => {
  const { port } = await ppGateway(t);
  const a = bodyOf(await requestWithHeader(port, v1("203.0.113.7")));
  assert.equal(a.headers["x-real-ip"], "203.0.113.7");
  assert.equal(a.headers["x-forwarded-for"], "203.0.113.7");

  const header = v2("2001:db8::42", { tlvs: [[0x05, Buffer.from("vpce-1")]] });
  const request = Buffer.from("GET /api/y HTTP/1.1\r\nHost: pp.test\r\n");
  const socket = await rawConnect(port);
  const done = readAll(socket);
  await writeSegments(socket, [
    header.subarray(0, 7),
    header.subarray(7, 20),
    Buffer.concat([header.subarray(20), request]),
    Buffer.from("Connection: keep-alive\r\n\r\nGET /api/z HTTP/1.1\r\nHost: pp.test\r\n"),
    Buffer.from("Connection: close\r\n\r\n"),
  ]);
  const answers = await done;
  assert.equal(answers.match(/HTTP\/1\.1 200 /g)?.length, 2, answers);
  assert.equal(answers.match(/"x-real-ip":"2001:db8::42"/g)?.length, 2, answers);
});

test("a connection without a valid PROXY header is closed unanswered: plain HTTP, garbage, nothing in time; counted as refused", async (t) => {
  const { gw, port } = await ppGateway(t, {
    limits: { headersTimeout: 400, requestTimeout: 5000 },
  });
  assert.equal(await requestWithHeader(port, Buffer.alloc(0)), "");
  assert.equal(await requestWithHeader(port, Buffer.from("PROXY TCP4 nonsense\r\n")), "");
  assert.equal(await requestWithHeader(port, Buffer.from("\x16\x03\x01\x00\xa5")), "");
  const silent = await rawConnect(port);
  assert.equal(await readAll(silent), "", "closed after the headers timeout");
  const metrics = (await control(gw, "GET", "/metrics")).text;
  assert.match(metrics, /^gatehouse_connections_refused_total\{reason="proxy_protocol"\} 4$/m);
  // a valid header still works on the same listener
  assert.match(await requestWithHeader(port, v1("203.0.113.8")), /^HTTP\/1\.1 200 /);
});

test("the connecting address must be trusted to set the client's: from an untrusted one the header is read and stripped, its address ignored", async (t) => {
  const { port } = await ppGateway(t, { trustedProxies: ["10.0.0.0/8"] });
  const b = bodyOf(await requestWithHeader(port, v2("203.0.113.7")));
  assert.equal(b.headers["x-real-ip"], "127.0.0.1");
  assert.equal(b.headers["x-forwarded-for"], "127.0.0.1");
});

test("with real_ip_header X-Forwarded-For, a listener with PROXY protocol still reads and strips the header; the client address comes from X-Forwarded-For", async (t) => {
  const { port } = await ppGateway(t, { realIp: { header: "x-forwarded-for", recursive: true } });
  const b = bodyOf(
    await requestWithHeader(
      port,
      v1("203.0.113.7"),
      "GET /api HTTP/1.1\r\nHost: pp.test\r\nX-Forwarded-For: 198.51.100.4\r\nConnection: close\r\n\r\n",
    ),
  );
  assert.equal(b.headers["x-real-ip"], "198.51.100.4");
  assert.equal(b.headers["x-forwarded-for"], "198.51.100.4, 127.0.0.1");
});

test("ip-restriction decides on the PROXY header's address (Kong's IP address not allowed)", async (t) => {
  const { port } = await ppGateway(
    t,
    {},
    { plugins: [{ name: "ip-restriction", config: { deny: ["203.0.113.66"] } }] },
  );
  const denied = await requestWithHeader(port, v1("203.0.113.66"));
  assert.match(denied, /^HTTP\/1\.1 403 /);
  assert.match(denied, /IP address not allowed: 203\.0\.113\.66/);
  assert.match(await requestWithHeader(port, v1("203.0.113.67")), /^HTTP\/1\.1 200 /);
});

test("TLS: the PROXY header comes before the ClientHello; HTTP/1.1 and h2 requests get its address", async (t) => {
  const { tlsPort } = await ppGateway(t);
  const raw = await rawConnect(tlsPort);
  raw.write(v2("198.51.100.23"));
  const tls = tlsConnect({
    socket: raw,
    servername: "pp.test",
    rejectUnauthorized: false,
    ALPNProtocols: ["http/1.1"],
  });
  const done = readAll(tls as Socket);
  tls.write("GET /api HTTP/1.1\r\nHost: pp.test\r\nConnection: close\r\n\r\n");
  assert.equal(bodyOf(await done).headers["x-real-ip"], "198.51.100.23");

  const raw2 = await rawConnect(tlsPort);
  await writeSegments(raw2, [v1("203.0.113.9")]);
  const session = h2Connect(`https://pp.test:${tlsPort}`, {
    createConnection: () =>
      tlsConnect({
        socket: raw2,
        servername: "pp.test",
        rejectUnauthorized: false,
        ALPNProtocols: ["h2"],
      }),
  });
  t.after(() => session.destroy());
  const text = await new Promise<string>((resolve, reject) => {
    const stream = session.request({ ":path": "/api/h2", ":authority": "pp.test" });
    let out = "";
    stream.on("data", (c: Buffer) => (out += c.toString()));
    stream.on("end", () => resolve(out));
    stream.on("error", reject);
  });
  assert.equal(
    (JSON.parse(text) as { headers: Record<string, string> }).headers["x-real-ip"],
    "203.0.113.9",
  );
});

test("a WebSocket handshake on a PROXY protocol connection reaches the upstream with the header's address", async (t) => {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const seen: (string | undefined)[] = [];
  wss.on("connection", (ws, req) => {
    seen.push(req.headers["x-real-ip"] as string | undefined);
    ws.on("message", (m) => ws.send(`echo:${String(m)}`));
  });
  t.after(() => {
    for (const c of wss.clients) c.terminate();
    wss.close();
  });
  const up = await listen(server, t);
  const gw = await gateway(
    t,
    doc([{ name: "ws", url: up, routes: [{ paths: ["/ws"] }] }]),
    PROXY_IP,
  );
  const port = portOf(gw.url);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, {
    createConnection: () => {
      const s = netConnect(port, "127.0.0.1");
      s.write(v1("203.0.113.21"));
      return s;
    },
  } as ClientOptions);
  const reply = await new Promise<string>((resolve, reject) => {
    ws.once("open", () => ws.send("hi"));
    ws.once("message", (m) => resolve(String(m)));
    ws.once("error", reject);
  });
  ws.close();
  assert.equal(reply, "echo:hi");
  assert.deepEqual(seen, ["203.0.113.21"]);
});

test("--workers 2 --proxy-protocol listen: every worker reads the header; GATEHOUSE_REAL_IP_HEADER=proxy_protocol without such a listener stops the start naming the setting", async (t) => {
  const up = await upstream(t, (req, res) => res.end(String(req.headers["x-real-ip"])));
  const config = doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }]);
  const gw = await startCluster(t, config, 2, ["--proxy-protocol", "listen"], {
    GATEHOUSE_REAL_IP_HEADER: "proxy_protocol",
    GATEHOUSE_TRUSTED_PROXIES: "127.0.0.1",
  });
  const port = portOf(gw.proxy);
  for (let i = 0; i < 6; i++) {
    const answer = await requestWithHeader(
      port,
      v1(`203.0.113.${i + 1}`),
      "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert.match(answer, new RegExp(`^HTTP/1\\.1 200 [^]*\\r\\n\\r\\n203\\.0\\.113\\.${i + 1}$`));
  }
  assert.ok(
    (await gw.workers()).every((w) => (w.requests ?? 0) > 0),
    "both workers served",
  );
  assert.equal(await requestWithHeader(port, Buffer.alloc(0)), "", "no header: closed unanswered");

  const refused = run(["--listen", "127.0.0.1:0", "--control", "127.0.0.1:0"], {
    GATEHOUSE_REAL_IP_HEADER: "proxy_protocol",
  });
  assert.equal(await refused.exited, 2);
  assert.match(
    refused.err(),
    /GATEHOUSE_REAL_IP_HEADER=proxy_protocol: no proxy listener reads PROXY protocol headers; turn them on with --proxy-protocol/,
  );
  const bad = run(["--proxy-protocol", "listen,tls"]);
  assert.equal(await bad.exited, 2);
  assert.match(
    bad.err(),
    /--proxy-protocol: must name proxy listeners, "listen" and\/or "listen-tls", got "listen,tls"/,
  );
  assert.throws(
    () =>
      buildGateway({ logLevel: "silent", realIp: { header: "proxy_protocol", recursive: true } }),
    /GATEHOUSE_REAL_IP_HEADER=proxy_protocol/,
  );
});
