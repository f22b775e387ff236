// WebSocket through the proxy listeners on real sockets (the `ws` package on both ends): the
// handshake is routed and runs rewrite/access (auth refused: an HTTP answer, no upgrade), then
// frames are relayed both ways until either side closes; idle timeout, TLS both ways, shutdown.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { TestContext } from "node:test";
import { test } from "node:test";
import pino from "pino";
import { WebSocket, WebSocketServer } from "ws";
import type { ClientOptions, RawData } from "ws";
import { makeCertificate } from "@gatehouse/config/testing";
import { startGateway } from "../src/testing.js";
import { doc, gateway, listen, rawRequest, send } from "./helpers.js";

interface WsUpstream {
  url: string;
  /** request heads of the handshakes that reached the upstream */
  handshakes: { url: string; headers: IncomingHttpHeaders }[];
  /** close codes the upstream saw (one per closed connection) */
  closes: number[];
  sockets: WebSocket[];
}

const cert = makeCertificate({ cn: "ws.test", sans: ["ws.test", "127.0.0.1"] });

/** A WebSocket upstream: answers "echo:<message>", greets with "hello" on connect. */
async function wsUpstream(t: TestContext, tls = false): Promise<WsUpstream> {
  const server = tls
    ? createHttpsServer({ cert: cert.cert, key: cert.key }, (_req, res) => res.end("plain"))
    : createServer((_req, res) => res.end("plain"));
  const up: WsUpstream = { url: "", handshakes: [], closes: [], sockets: [] };
  const wss = new WebSocketServer({ server });
  wss.on("connection", (socket, req) => {
    up.handshakes.push({ url: req.url ?? "", headers: req.headers });
    up.sockets.push(socket);
    socket.send("hello");
    socket.on("message", (data: RawData) => {
      const text = data.toString();
      if (text === "close-me") socket.close(4001, "bye");
      else socket.send(`echo:${text}`);
    });
    socket.on("close", (code) => up.closes.push(code));
  });
  t.after(() => {
    for (const s of wss.clients) s.terminate();
    wss.close();
  });
  const url = await listen(server as ReturnType<typeof createServer>, t);
  up.url = tls ? url.replace("http:", "https:") : url;
  return up;
}

/** Client options: the certificate is not checked; SNI ws.test (for wss). */
const clientOptions = (headers: Record<string, string>): ClientOptions =>
  ({ headers, rejectUnauthorized: false, servername: "ws.test" }) as ClientOptions;

type Opened = { ws: WebSocket; messages: string[]; next: () => Promise<string> };

/** Open a WebSocket; resolves once open (messages queued from the start). */
function open(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, clientOptions(headers));
    const messages: string[] = [];
    const waiters: ((m: string) => void)[] = [];
    ws.on("message", (data: RawData) => {
      const waiter = waiters.shift();
      if (waiter) waiter(data.toString());
      else messages.push(data.toString());
    });
    const next = () =>
      new Promise<string>((res) => {
        const m = messages.shift();
        if (m !== undefined) res(m);
        else waiters.push(res);
      });
    ws.once("open", () => resolve({ ws, messages, next }));
    ws.once("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`unexpected ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once("error", reject);
  });
}

/** The HTTP answer a refused handshake gets: status and body. */
function refused(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, clientOptions(headers));
    ws.once("open", () => reject(new Error("upgraded")));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once("error", reject);
  });
}

const closed = (ws: WebSocket): Promise<number> =>
  new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve(1006);
    else ws.once("close", (code) => resolve(code));
  });

const wsUrl = (url: string) => url.replace(/^http/, "ws");

test("a message is echoed both ways; the upstream gets the handshake with X-Forwarded-*; access log 101", async (t) => {
  const up = await wsUpstream(t);
  const lines: string[] = [];
  const gw = await gateway(
    t,
    doc([{ name: "s", url: `${up.url}/base`, routes: [{ name: "r", paths: ["/ws"] }] }]),
    { logger: pino({ level: "info" }, { write: (l: string) => lines.push(l) }) },
  );
  const c = await open(`${wsUrl(gw.url)}/ws/room?x=1`);
  assert.equal(await c.next(), "hello");
  c.ws.send("ping-1");
  assert.equal(await c.next(), "echo:ping-1");
  c.ws.send(Buffer.alloc(100_000, 97)); // a large frame, relayed in pieces
  assert.equal((await c.next()).length, 100_005);
  const seen = up.handshakes[0];
  assert.ok(seen);
  assert.equal(seen.url, "/base/room?x=1");
  assert.equal(seen.headers["x-forwarded-proto"], "http");
  assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1");
  assert.equal(seen.headers.upgrade, "websocket");
  const metrics = await send(`${gw.controlUrl}/metrics`, {
    headers: { authorization: `Bearer ${gw.token}` },
  });
  assert.match(metrics.text, /gatehouse_websocket_connections_open 1/);
  c.ws.close(1000);
  assert.equal(await closed(c.ws), 1000);
  await waitFor(() => lines.some((l) => l.includes('"status":101')));
  const access = JSON.parse(lines.find((l) => l.includes('"status":101')) as string) as Record<
    string,
    unknown
  >;
  assert.equal(access.route, "r");
  assert.equal(access.upgrade, "websocket");
  const after = await send(`${gw.controlUrl}/metrics`, {
    headers: { authorization: `Bearer ${gw.token}` },
  });
  assert.match(after.text, /gatehouse_websocket_connections_open 0/);
  assert.match(after.text, /gatehouse_requests_total\{route="r",status="101"\} 1/);
});

test("key-auth: refused → 401 HTTP answer, no upgrade, nothing upstream; accepted → relayed", async (t) => {
  const up = await wsUpstream(t);
  const gw = await gateway(
    t,
    doc(
      [{ name: "s", url: up.url, routes: [{ paths: ["/ws"], plugins: [{ name: "key-auth" }] }] }],
      {
        consumers: [{ username: "alice", keyauth_credentials: [{ key: "alice-key" }] }],
      },
    ),
  );
  const none = await refused(`${wsUrl(gw.url)}/ws`);
  assert.equal(none.status, 401);
  assert.match(none.body, /No API key found in request/);
  const wrong = await refused(`${wsUrl(gw.url)}/ws`, { apikey: "nope" });
  assert.equal(wrong.status, 401);
  assert.equal(up.handshakes.length, 0);
  const c = await open(`${wsUrl(gw.url)}/ws`, { apikey: "alice-key" });
  assert.equal(await c.next(), "hello");
  c.ws.send("authed");
  assert.equal(await c.next(), "echo:authed");
  assert.equal(up.handshakes[0]?.headers["x-consumer-username"], "alice");
  c.ws.close();
  await closed(c.ws);
});

test("ip-restriction and rate-limiting apply to handshakes (403, 429), acl to an authenticated one", async (t) => {
  const up = await wsUpstream(t);
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "s",
          url: up.url,
          routes: [
            {
              paths: ["/deny"],
              plugins: [{ name: "ip-restriction", config: { deny: ["127.0.0.1"] } }],
            },
            { paths: ["/limited"], plugins: [{ name: "rate-limiting", config: { minute: 1 } }] },
            {
              paths: ["/admins"],
              plugins: [{ name: "key-auth" }, { name: "acl", config: { allow: ["admins"] } }],
            },
          ],
        },
      ],
      { consumers: [{ username: "bob", keyauth_credentials: [{ key: "bob-key" }] }] },
    ),
  );
  assert.equal((await refused(`${wsUrl(gw.url)}/deny`)).status, 403);
  const first = await open(`${wsUrl(gw.url)}/limited`);
  assert.equal(await first.next(), "hello");
  first.ws.close();
  await closed(first.ws);
  assert.equal((await refused(`${wsUrl(gw.url)}/limited`)).status, 429);
  assert.equal((await refused(`${wsUrl(gw.url)}/admins`, { apikey: "bob-key" })).status, 403);
  assert.equal(up.handshakes.length, 1);
});

test("request-termination answers with its status, no upgrade", async (t) => {
  const up = await wsUpstream(t);
  const plugins = [
    { name: "request-termination", config: { status_code: 403, message: "closed" } },
  ];
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up.url, routes: [{ paths: ["/ws"], plugins }] }]),
  );
  for (let i = 0; i < 2; i++) {
    // the second answer comes from the recorded static response
    const r = await refused(`${wsUrl(gw.url)}/ws`);
    assert.equal(r.status, 403);
    assert.match(r.body, /closed/);
  }
  assert.equal(up.handshakes.length, 0);
});

test("the upstream closing: the client sees its close; the client closing: the upstream sees it", async (t) => {
  const up = await wsUpstream(t);
  const gw = await gateway(t, doc([{ name: "s", url: up.url, routes: [{ paths: ["/"] }] }]));
  const a = await open(wsUrl(gw.url));
  assert.equal(await a.next(), "hello");
  a.ws.send("close-me");
  assert.equal(await closed(a.ws), 4001);
  const b = await open(wsUrl(gw.url));
  assert.equal(await b.next(), "hello");
  b.ws.close(4002, "client leaves");
  await closed(b.ws);
  await waitFor(() => up.closes.includes(4002));
  // a client that vanishes without a close frame: the upstream's connection ends too
  const c = await open(wsUrl(gw.url));
  assert.equal(await c.next(), "hello");
  c.ws.terminate();
  await waitFor(() => up.closes.length === 3);
});

test("idle timeout: no frame either way for the service's read_timeout closes both sides", async (t) => {
  const up = await wsUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up.url, read_timeout: 1000, routes: [{ paths: ["/"] }] }]),
  );
  const c = await open(wsUrl(gw.url));
  assert.equal(await c.next(), "hello");
  // traffic keeps it open past the timeout
  for (let i = 0; i < 3; i++) {
    await sleep(300);
    c.ws.send(`keep-${i}`);
    assert.equal(await c.next(), `echo:keep-${i}`);
  }
  const started = performance.now();
  const code = await closed(c.ws);
  assert.equal(code, 1006); // sockets closed without a close frame
  assert.ok(performance.now() - started < 3000);
  await waitFor(() => up.closes.length === 1);
});

test("wss on the TLS listener to a wss upstream (https service)", async (t) => {
  const up = await wsUpstream(t, true);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up.url, tls_verify: false, routes: [{ paths: ["/"] }] }], {
      certificates: [{ cert: cert.cert, key: cert.key, snis: ["ws.test"] }],
    }),
  );
  const c = await open(gw.tlsUrl.replace(/^https/, "wss"));
  assert.equal(await c.next(), "hello");
  c.ws.send("secure");
  assert.equal(await c.next(), "echo:secure");
  assert.equal(up.handshakes[0]?.headers["x-forwarded-proto"], "https");
  c.ws.close();
  await closed(c.ws);
  // the upstream's certificate is verified by default: a self-signed one fails the handshake (502)
  const verifying = await gateway(t, doc([{ name: "s", url: up.url, routes: [{ paths: ["/"] }] }]));
  assert.equal((await refused(wsUrl(verifying.url))).status, 502);
});

test("upstream unreachable → 502, denied address → 502, no upgrade; a non-101 answer is relayed", async (t) => {
  const plain = await listen(
    createServer((_req, res) => res.writeHead(404).end("no ws here")),
    t,
  );
  const gw = await gateway(
    t,
    doc([
      { name: "down", url: "http://127.0.0.1:1", retries: 0, routes: [{ paths: ["/down"] }] },
      {
        name: "denied",
        url: `http://0.0.0.0:${new URL(plain).port}`,
        routes: [{ paths: ["/denied"] }],
      },
      { name: "plain", url: plain, routes: [{ paths: ["/plain"] }] },
    ]),
  );
  const down = await refused(`${wsUrl(gw.url)}/down`);
  assert.equal(down.status, 502);
  assert.match(down.body, /message/);
  assert.equal((await refused(`${wsUrl(gw.url)}/denied`)).status, 502);
  const answered = await refused(`${wsUrl(gw.url)}/plain`);
  assert.equal(answered.status, 404);
  assert.equal(answered.body, "no ws here");
  // no route: 404 through the error formatting
  const gw2 = await gateway(t, doc([]));
  assert.equal((await refused(`${wsUrl(gw2.url)}/x`)).status, 404);
});

test("another Upgrade (h2c) is answered as plain HTTP/1.1, its Upgrade ignored; with a body: 400", async (t) => {
  const plain = await listen(
    createServer((req, res) => res.end(`plain ${req.headers.upgrade}`)),
    t,
  );
  const gw = await gateway(t, doc([{ name: "s", url: plain, routes: [{ paths: ["/"] }] }]));
  const head =
    "Host: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n";
  const answer = await rawRequest(gw.url, `GET / HTTP/1.1\r\n${head}\r\n`);
  assert.match(answer, /^HTTP\/1\.1 200 /);
  assert.match(answer, /plain undefined$/);
  const withBody = await rawRequest(
    gw.url,
    `POST / HTTP/1.1\r\n${head}Content-Length: 2\r\n\r\nhi`,
  );
  assert.match(withBody, /^HTTP\/1\.1 400 /);
});

test("shutdown: relayed WebSockets are closed when the grace runs out", async (t) => {
  const up = await wsUpstream(t);
  const gw = await startGateway(doc([{ name: "s", url: up.url, routes: [{ paths: ["/"] }] }]), {
    shutdownGrace: 300,
  });
  t.after(() => gw.close());
  const c = await open(wsUrl(gw.url));
  assert.equal(await c.next(), "hello");
  const started = performance.now();
  await gw.close();
  assert.equal(await closed(c.ws), 1006);
  const took = performance.now() - started;
  assert.ok(took >= 250 && took < 3000, `took ${took} ms`);
  await waitFor(() => up.closes.length === 1);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await sleep(20);
  }
}
