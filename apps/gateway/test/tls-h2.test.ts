// HTTP/2 on the TLS listener, on real sockets: ALPN h2 and http/1.1 on one port, h2 requests
// through the same router and plugin pipeline (exit, error formatting, header rules), upstreams
// over HTTP/1.1, request bodies, client aborts, timeouts, large responses with backpressure,
// the access log and metrics, and `curl --http2`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { constants as h2c } from "node:http2";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TLSSocket } from "node:tls";
import pino from "pino";
import { makeCertificate } from "@gatehouse/config/testing";
import { control, doc, echoUpstream, gateway, upstream } from "./helpers.js";
import { connectionSpecific, h2Request, h2Session } from "./helpers/h2.js";
import { portOf, sendTls } from "./helpers/tls.js";
import { startRawUpstream } from "./helpers/proxy-harness.js";
import { startGateway } from "../src/testing.js";

const ca = makeCertificate({ cn: "Gatehouse test CA", ca: true });
const leaf = makeCertificate({ cn: "h2.test", sans: ["h2.test", "*.h2.test"], issuer: ca });
const certificates = [{ cert: leaf.cert, key: leaf.key, snis: ["h2.test", "*.h2.test"] }];
const AUTHORITY = "h2.test";

interface Echoed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

test("h2 and HTTP/1.1 share the TLS port (ALPN); h2 goes through the router to an HTTP/1.1 upstream", async (t) => {
  let upstreamVersion = "";
  const up = await upstream(t, (req, res) => {
    upstreamVersion = req.httpVersion;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ path: req.url, headers: req.headers }));
  });
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ hosts: [AUTHORITY], paths: ["/api"] }] }], {
      certificates,
    }),
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  assert.equal((session.socket as TLSSocket).alpnProtocol, "h2");
  const r = await h2Request(session, { ":path": "/api/x?q=1", ":authority": AUTHORITY });
  assert.equal(r.status, 200, r.text);
  assert.equal(upstreamVersion, "1.1");
  const seen = r.json() as { path: string; headers: Record<string, string> };
  assert.equal(seen.path, "/x?q=1"); // strip_path
  assert.equal(seen.headers["x-forwarded-proto"], "https");
  assert.equal(seen.headers["x-forwarded-host"], AUTHORITY);
  assert.equal(seen.headers["x-forwarded-port"], String(portOf(gw.tlsUrl)));
  assert.ok(!Object.keys(seen.headers).some((k) => k.startsWith(":")), "no pseudo-header upstream");
  assert.deepEqual(connectionSpecific(r.headers), []);

  // HTTP/1.1 on the same port: by ALPN, or with no ALPN at all
  const h1 = await sendTls(`${gw.tlsUrl}/api/y`, { servername: AUTHORITY, alpn: ["http/1.1"] });
  assert.equal(h1.status, 200);
  assert.equal(h1.socket.alpnProtocol, "http/1.1");
  assert.equal((h1.json() as { path: string }).path, "/y");
  const noAlpn = await sendTls(`${gw.tlsUrl}/api/z`, { servername: AUTHORITY });
  assert.equal(noAlpn.status, 200);
  assert.equal(noAlpn.socket.alpnProtocol, false);

  // :authority routes: another host matches no route
  const other = await h2Request(session, { ":path": "/api/x", ":authority": "other.h2.test" });
  assert.equal(other.status, 404);
});

test("h2 request bodies: with a content-length, and streamed without one (chunked upstream)", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/echo"] }] }], { certificates }),
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const sized = await h2Request(
    session,
    { ":method": "POST", ":path": "/echo", "content-length": "5", "content-type": "text/plain" },
    "hello",
  );
  assert.equal(sized.status, 200, sized.text);
  const a = sized.json() as Echoed;
  assert.equal(a.method, "POST");
  assert.equal(a.body, "hello");
  assert.equal(a.headers["content-length"], "5");

  const big = Buffer.alloc(300 * 1024, "b");
  const streamed = await h2Request(session, { ":method": "POST", ":path": "/echo" }, big);
  assert.equal(streamed.status, 200, streamed.text);
  const b = streamed.json() as Echoed;
  assert.equal(b.body.length, big.length);
  assert.equal(b.headers["transfer-encoding"], "chunked");

  // a GET without a body is forwarded without one
  const get = await h2Request(session, { ":path": "/echo" });
  const g = get.json() as Echoed;
  assert.equal(g.headers["transfer-encoding"], undefined);
  assert.equal(g.body, "");
});

test("h2 through plugins: exit (request-termination), error formatting (404, key-auth 401), header rules", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "s",
          url: up,
          routes: [
            {
              paths: ["/down"],
              plugins: [
                { name: "request-termination", config: { status_code: 418, message: "brewing" } },
              ],
            },
            { paths: ["/key"], plugins: [{ name: "key-auth" }] },
            {
              paths: ["/added"],
              plugins: [
                {
                  name: "response-transformer",
                  config: {
                    add: { headers: ["x-added:yes", "keep-alive:timeout=9", "upgrade:h2c"] },
                  },
                },
              ],
            },
          ],
        },
      ],
      { certificates, consumers: [{ username: "alice", keyauth_credentials: [{ key: "k1" }] }] },
    ),
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  for (let i = 0; i < 2; i++) {
    // the second answer comes from the recorded request-termination response
    const down = await h2Request(session, { ":path": "/down" });
    assert.equal(down.status, 418);
    assert.deepEqual(down.json(), { message: "brewing" });
    assert.deepEqual(connectionSpecific(down.headers), []);
  }
  const none = await h2Request(session, { ":path": "/nowhere" });
  assert.equal(none.status, 404);
  assert.deepEqual(none.json(), { message: "no Route matched with those values" });
  const html = await h2Request(session, { ":path": "/nowhere", accept: "text/html" });
  assert.match(String(html.headers["content-type"]), /^text\/html/);

  const refused = await h2Request(session, { ":path": "/key" });
  assert.equal(refused.status, 401);
  assert.equal(refused.headers["www-authenticate"], "Key");
  assert.deepEqual(refused.json(), { message: "No API key found in request" });
  const allowed = await h2Request(session, { ":path": "/key", apikey: "k1" });
  assert.equal(allowed.status, 200);
  assert.equal((allowed.json() as Echoed).headers["x-consumer-username"], "alice");

  const added = await h2Request(session, { ":path": "/added" });
  assert.equal(added.status, 200);
  assert.equal(added.headers["x-added"], "yes");
  assert.deepEqual(connectionSpecific(added.headers), []);
});

test("connection-specific headers of the upstream's response are never sent on h2", async (t) => {
  const up = await startRawUpstream((socket) => {
    socket.on("data", () => {
      socket.write(
        "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5, max=100\r\n" +
          "Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Hop: 1\r\nX-Kept: yes\r\n" +
          "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      );
    });
  });
  t.after(() => up.close());
  const gw = await gateway(
    t,
    doc(
      [
        { name: "fast", url: `http://127.0.0.1:${up.port}`, routes: [{ paths: ["/fast"] }] },
        {
          name: "plugins",
          url: `http://127.0.0.1:${up.port}`,
          routes: [{ paths: ["/plugins"] }],
          plugins: [{ name: "correlation-id" }],
        },
      ],
      { certificates },
    ),
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  for (const path of ["/fast", "/plugins"]) {
    const r = await h2Request(session, { ":path": path });
    assert.equal(r.status, 200, path);
    assert.equal(r.text, "hello", path);
    assert.equal(r.headers["x-kept"], "yes", path);
    assert.equal(r.headers["x-hop"], undefined, `${path}: named in Connection`);
    assert.deepEqual(connectionSpecific(r.headers), [], path);
  }
});

test("h2: a client reset (RST_STREAM) cancels the upstream request; read_timeout is a 504", async (t) => {
  let upstreamClosed!: () => void;
  const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
  let arrived!: () => void;
  const started = new Promise<void>((resolve) => (arrived = resolve));
  const up = await upstream(t, (req: IncomingMessage) => {
    arrived();
    req.socket.once("close", () => upstreamClosed());
    // never answers
  });
  const lines: string[] = [];
  const gw = await gateway(
    t,
    doc(
      [
        { name: "hang", url: up, routes: [{ paths: ["/hang"] }] },
        { name: "slow", url: up, read_timeout: 200, routes: [{ paths: ["/slow"] }] },
      ],
      { certificates },
    ),
    { logger: pino({ level: "info" }, { write: (l: string) => lines.push(l) }) },
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const stream = session.request({ ":path": "/hang" });
  stream.on("error", () => undefined);
  await started;
  stream.close(h2c.NGHTTP2_CANCEL);
  await closed;
  await waitFor(
    () => lines.some((l) => l.includes('"status":499')),
    `the 499 access line in\n${lines.join("\n")}`,
  );
  assert.ok(!session.closed && !session.destroyed, "the session outlives the reset stream");

  const slow = await h2Request(session, { ":path": "/slow" });
  assert.equal(slow.status, 504);
  assert.deepEqual(connectionSpecific(slow.headers), []);
});

test("h2: a request that does not arrive whole within the request timeout is a 408; the session stays usable", async (t) => {
  const up = await echoUpstream(t);
  const late = await upstream(t, (req, res) => {
    req.resume();
    req.on("end", () => setTimeout(() => res.end("late"), 600));
  });
  const gw = await gateway(
    t,
    doc(
      [
        { name: "s", url: up, routes: [{ paths: ["/echo"] }] },
        { name: "late", url: late, routes: [{ paths: ["/late"] }] },
      ],
      { certificates },
    ),
    { limits: { requestTimeout: 300, headersTimeout: 300 } },
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const stream = session.request({ ":method": "POST", ":path": "/echo" });
  stream.on("error", () => undefined);
  stream.write("the start of a body that never ends");
  const started = Date.now();
  const status = await new Promise<number>((resolve) =>
    stream.once("response", (h) => resolve(Number(h[":status"]))),
  );
  assert.equal(status, 408);
  assert.ok(Date.now() - started >= 250);
  const ok = await h2Request(session, { ":method": "POST", ":path": "/echo" }, "whole");
  assert.equal(ok.status, 200);
  assert.equal((ok.json() as Echoed).body, "whole");
  // a request received whole in time waits for a slow upstream as long as its timeouts allow
  const slow = await h2Request(session, { ":method": "POST", ":path": "/late" }, "body");
  assert.equal(slow.status, 200);
  assert.equal(slow.text, "late");
});

test("h2: a large response flows with backpressure (the upstream waits for a paused client)", async (t) => {
  const size = 24 * 1024 * 1024;
  let upstreamFinished = false;
  const up = await upstream(t, (_req, res) => {
    res.writeHead(200, {
      "content-length": String(size),
      "content-type": "application/octet-stream",
    });
    const chunk = Buffer.alloc(64 * 1024, "z");
    let sent = 0;
    const pump = (): void => {
      while (sent < size) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      res.end(() => (upstreamFinished = true));
    };
    pump();
  });
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/big"] }] }], { certificates }),
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const stream = session.request({ ":path": "/big" });
  const status = await new Promise<number>((resolve) =>
    stream.once("response", (h) => resolve(Number(h[":status"]))),
  );
  assert.equal(status, 200);
  stream.pause();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(upstreamFinished, false, "the upstream is held back while the client reads nothing");
  let received = 0;
  stream.on("data", (c: Buffer) => (received += c.length));
  await new Promise<void>((resolve, reject) => {
    stream.once("end", () => resolve());
    stream.once("error", reject);
    stream.resume();
  });
  assert.equal(received, size);
});

test("h2 sessions: an idle one is closed after the keep-alive timeout; a shutdown sends GOAWAY and an open stream finishes", async (t) => {
  let arrived: () => void = () => undefined;
  const late = await upstream(t, (_req, res) => {
    arrived();
    setTimeout(() => res.end("done"), 400);
  });
  const gw = await startGateway(
    doc([{ name: "s", url: late, routes: [{ paths: ["/"] }] }], { certificates }),
    { limits: { keepAliveTimeout: 300 } },
  );
  let closed = false;
  t.after(() => (closed ? undefined : gw.close()));

  const idle = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const idleClosed = new Promise<void>((resolve) => idle.once("close", () => resolve()));
  assert.equal((await h2Request(idle, { ":path": "/" })).status, 200); // open 400 ms: kept
  const done = Date.now();
  await idleClosed;
  assert.ok(Date.now() - done < 2000, "closed soon after the keep-alive timeout");

  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const goaway = new Promise<void>((resolve) => session.once("goaway", () => resolve()));
  const reached = new Promise<void>((resolve) => (arrived = resolve));
  const pending = h2Request(session, { ":path": "/" });
  await reached;
  const closing = gw.close();
  closed = true;
  await goaway;
  const r = await pending;
  assert.equal(r.status, 200);
  assert.equal(r.text, "done");
  await closing;
});

test("the access log and the metrics record the protocol", async (t) => {
  const up = await echoUpstream(t);
  const lines: string[] = [];
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }], { certificates }),
    { logger: pino({ level: "info" }, { write: (l: string) => lines.push(l) }) },
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  assert.equal((await h2Request(session, { ":path": "/a" })).status, 200);
  assert.equal((await sendTls(`${gw.tlsUrl}/b`, { servername: AUTHORITY })).status, 200);
  await waitFor(
    () => lines.filter((l) => l.includes('"msg":"access"')).length >= 2,
    "access lines",
  );
  const access = lines
    .filter((l) => l.includes('"msg":"access"'))
    .map((l) => JSON.parse(l) as { path: string; protocol: string });
  assert.equal(access.find((a) => a.path === "/a")?.protocol, "h2");
  assert.equal(access.find((a) => a.path === "/b")?.protocol, "http/1.1");
  const metrics = await control(gw, "GET", "/metrics");
  assert.match(metrics.text, /gatehouse_requests_by_protocol_total\{protocol="h2"\} 1/);
  assert.match(metrics.text, /gatehouse_requests_by_protocol_total\{protocol="http\/1\.1"\} 1/);
});

test("h2 CONNECT is refused with 405; the session stays usable", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }], { certificates }),
  );
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const r = await h2Request(session, { ":method": "CONNECT", ":authority": "example.com:443" });
  assert.equal(r.status, 405);
  assert.match(String(r.headers.allow), /GET/);
  assert.equal((await h2Request(session, { ":path": "/" })).status, 200);
});

test("curl --http2 gets HTTP/2 200 from the TLS listener (certificate verified by SNI)", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }], { certificates }),
  );
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-h2-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, "ca.pem");
  writeFileSync(caFile, ca.cert);
  const port = portOf(gw.tlsUrl);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      "curl",
      [
        "-sS",
        "-i",
        "--http2",
        "--cacert",
        caFile,
        "--resolve",
        `${AUTHORITY}:${port}:127.0.0.1`,
        "-d",
        "posted",
        `https://${AUTHORITY}:${port}/curl`,
      ],
      (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
  const [head = "", body = ""] = out.split("\r\n\r\n");
  assert.match(head, /^HTTP\/2 200 ?\r\n/);
  assert.doesNotMatch(head, /^(connection|keep-alive|transfer-encoding):/im);
  const echoed = JSON.parse(body) as Echoed;
  assert.equal(echoed.path, "/curl");
  assert.equal(echoed.body, "posted");
  assert.equal(echoed.headers["x-forwarded-host"], AUTHORITY);
  assert.equal(echoed.headers["x-forwarded-proto"], "https");
});

test("the TLS listener keeps the plain listener's header limit: 431 on HTTP/1.1 and h2", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }], { certificates }),
  );
  const r = await sendTls(`${gw.tlsUrl}/`, {
    servername: AUTHORITY,
    headers: { "x-big": "a".repeat(20 * 1024) },
  }).catch((err: Error) => err);
  assert.ok(!(r instanceof Error), String(r));
  assert.equal(r.status, 431);
  // h2: the same limit on the header list, the session kept
  const session = await h2Session(t, gw.tlsUrl, AUTHORITY);
  const big = await h2Request(session, { ":path": "/", "x-big": "a".repeat(20 * 1024) });
  assert.equal(big.status, 431);
  assert.equal((await h2Request(session, { ":path": "/" })).status, 200);
});

async function waitFor(cond: () => boolean, what: string, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
