import assert from "node:assert/strict";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { test } from "node:test";
import { addressKey, defaultMaxConnections } from "../src/net/connections.js";
import type { StartedGateway } from "../src/testing.js";
import { control, doc, echoUpstream, gateway } from "./helpers.js";

const PARTIAL = "GET / HT"; // a request line that never ends

/** Server-side sockets of the proxy listener, in accept order (refused ones included). */
function serverSockets(gw: StartedGateway): Socket[] & { accepted(n: number): Promise<void> } {
  const list = [] as unknown as Socket[] & { accepted(n: number): Promise<void> };
  const server = gw.gateway.proxy.server;
  server.on("connection", (s: Socket) => {
    list.push(s);
    server.emit("test:accepted");
  });
  list.accepted = async (n) => {
    while (list.length < n) await once(server, "test:accepted");
  };
  return list;
}

/** A client that sends part of a request line and then neither reads nor closes its side. */
async function halfOpen(gw: StartedGateway, from: string): Promise<Socket> {
  const s = connect({
    port: Number(new URL(gw.url).port),
    host: "127.0.0.1",
    localAddress: from,
    allowHalfOpen: true,
  });
  s.on("error", () => {});
  await once(s, "connect");
  s.write(PARTIAL);
  s.pause();
  return s;
}

/** Resolves when the server closes a connection from `from` that sends nothing (a refused one). */
async function refusedFrom(gw: StartedGateway, from: string): Promise<void> {
  const s = connect({ port: Number(new URL(gw.url).port), host: "127.0.0.1", localAddress: from });
  s.on("error", () => {});
  let got = "";
  s.on("data", (c: Buffer) => (got += c.toString()));
  await once(s, "close");
  assert.equal(got, "", "a refused connection gets no answer");
}

/** GET over a fresh connection from a given local address. */
function getFrom(url: string, from: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent: false, localAddress: from }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function metric(gw: StartedGateway, line: RegExp): Promise<string> {
  const text = (await control(gw, "GET", "/metrics")).text;
  const m = line.exec(text);
  assert.ok(m, `no ${String(line)} in /metrics`);
  return m[1] as string;
}

/** Every socket's close, or a failure naming how many are still open after `ms`. */
async function allClosed(sockets: Socket[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const open = sockets.filter((s) => !s.destroyed).length;
      reject(new Error(`${open} of ${sockets.length} server sockets still open after ${ms} ms`));
    }, ms);
  });
  try {
    await Promise.race([
      Promise.all(sockets.map((s) => (s.destroyed ? null : once(s, "close")))),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

test("half-open clients (partial request line, never reading) get their sockets destroyed within the close grace", async (t) => {
  const up = await echoUpstream(t);
  const grace = 300;
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/"] }] }]), {
    limits: { headersTimeout: 200, requestTimeout: 200, closeGrace: grace },
  });
  const server = serverSockets(gw);
  const clients = await Promise.all(Array.from({ length: 20 }, () => halfOpen(gw, "127.0.0.1")));
  t.after(() => clients.forEach((c) => c.destroy()));
  await server.accepted(20);
  // the 408 answer is flushed ("finish"), then the server must not wait on the peer for longer than the grace
  const lingered: number[] = [];
  for (const s of server) {
    let finishedAt = 0;
    s.once("finish", () => (finishedAt = performance.now()));
    s.once("close", () => lingered.push(performance.now() - finishedAt));
  }
  // headers timeout (checked every second) + grace, with slack
  await allClosed(server, 200 + 1000 + grace + 1500);
  assert.equal(lingered.length, 20);
  for (const ms of lingered) {
    assert.ok(ms >= grace - 20 && ms < grace + 500, `closed ${ms} ms after the 408 was flushed`);
  }
  assert.equal(await metric(gw, /^gatehouse_connections_open (\d+)$/m), "0");
  assert.equal(await metric(gw, /^gatehouse_connections_forced_closed_total (\d+)$/m), "20");
});

test("slowloris: headers trickled a byte at a time get 408 at the headers timeout and the connection closes", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/"] }] }]), {
    limits: { headersTimeout: 300, requestTimeout: 300, closeGrace: 300 },
  });
  const s = connect(Number(new URL(gw.url).port), "127.0.0.1");
  s.on("error", () => {});
  await once(s, "connect");
  const started = performance.now();
  const trickle = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(10_000);
  let i = 0;
  const timer = setInterval(() => {
    if (!s.destroyed && s.writable) s.write(trickle[i++ % trickle.length] as string);
  }, 20);
  t.after(() => clearInterval(timer));
  let out = "";
  s.on("data", (c: Buffer) => (out += c.toString()));
  await once(s, "close");
  clearInterval(timer);
  assert.match(out, /^HTTP\/1\.1 408 Request Timeout\r\n/);
  assert.ok(performance.now() - started < 300 + 1000 + 1000, "bounded by the headers timeout");
});

test("an attacker holding the per-address cap with half-open sockets: other clients are still served 200", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/"] }] }]), {
    limits: { maxConnectionsPerIp: 5, headersTimeout: 30_000, requestTimeout: 30_000 },
    trustedProxies: ["127.0.0.9"],
  });
  const server = serverSockets(gw);
  const attacker = await Promise.all(Array.from({ length: 5 }, () => halfOpen(gw, "127.0.0.2")));
  t.after(() => attacker.forEach((c) => c.destroy()));
  // the cap is held: three more connections from the attacker's address are closed at once
  for (let i = 0; i < 3; i++) await refusedFrom(gw, "127.0.0.2");
  await assert.rejects(getFrom(gw.url, "127.0.0.2"), /socket hang up|ECONNRESET/);

  // a normal client from another address is served, repeatedly
  for (let i = 0; i < 3; i++) assert.equal(await getFrom(`${gw.url}/`, "127.0.0.3"), 200);
  // a trusted proxy (many clients behind one address) is not capped
  const behindProxy = await Promise.all(Array.from({ length: 7 }, () => halfOpen(gw, "127.0.0.9")));
  t.after(() => behindProxy.forEach((c) => c.destroy()));
  assert.equal(await getFrom(`${gw.url}/`, "127.0.0.9"), 200);

  await allClosed(
    server.filter((s) => s.remoteAddress !== "127.0.0.2" && s.remoteAddress !== "127.0.0.9"),
    2000,
  );
  assert.equal(
    await metric(
      gw,
      /^gatehouse_connections_refused_total\{reason="max_connections_per_ip"\} (\d+)$/m,
    ),
    "4",
  );
  assert.equal(
    await metric(gw, /^gatehouse_connections_refused_total\{reason="max_connections"\} (\d+)$/m),
    "0",
  );
  assert.equal(await metric(gw, /^gatehouse_connections_open (\d+)$/m), "12");
  assert.equal(
    await metric(gw, /^gatehouse_connections_limit\{limit="max_connections_per_ip"\} (\d+)$/m),
    "5",
  );

  // once the attacker lets go, its address gets connections again (the count is not leaked)
  const held = server.filter((s) => s.remoteAddress === "127.0.0.2" && !s.destroyed);
  assert.equal(held.length, 5);
  attacker.forEach((c) => c.destroy());
  await allClosed(held, 2000);
  assert.equal(await getFrom(`${gw.url}/`, "127.0.0.2"), 200);
});

test("--max-connections: above the cap new connections are closed at accept, served again once one frees", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/"] }] }]), {
    limits: { maxConnections: 3, headersTimeout: 30_000, requestTimeout: 30_000 },
  });
  const server = serverSockets(gw);
  const held = [
    await halfOpen(gw, "127.0.0.2"),
    await halfOpen(gw, "127.0.0.3"),
    await halfOpen(gw, "127.0.0.4"),
  ];
  t.after(() => held.forEach((c) => c.destroy()));
  await assert.rejects(getFrom(`${gw.url}/`, "127.0.0.5"), /socket hang up|ECONNRESET/);
  assert.equal(
    await metric(gw, /^gatehouse_connections_refused_total\{reason="max_connections"\} (\d+)$/m),
    "1",
  );
  assert.equal(await metric(gw, /^gatehouse_connections_open (\d+)$/m), "3");
  assert.equal(
    await metric(gw, /^gatehouse_connections_limit\{limit="max_connections"\} (\d+)$/m),
    "3",
  );
  held[0]?.destroy();
  await allClosed(server.slice(0, 1), 2000);
  assert.equal(await getFrom(`${gw.url}/`, "127.0.0.5"), 200);
});

test("default --max-connections: half the open-files limit, at most 10,000", () => {
  assert.equal(defaultMaxConnections("/nonexistent/limits"), 10_000);
  assert.ok(defaultMaxConnections() >= 1 && defaultMaxConnections() <= 10_000);
});

test("the per-address cap counts an IPv6 client by its /64 (rotating the interface id does not help), IPv4 by its address", () => {
  assert.equal(addressKey("203.0.113.7"), "203.0.113.7");
  assert.equal(addressKey("::ffff:203.0.113.7"), "203.0.113.7");
  const one = addressKey("2001:db8:0:1::1");
  for (const other of [
    "2001:db8:0:1:ffff:1:2:3",
    "2001:0DB8:0000:0001::abcd",
    "2001:db8:0:1::1%eth0",
  ])
    assert.equal(addressKey(other), one, other);
  assert.equal(one, "2001:db8:0:1::/64");
  assert.notEqual(addressKey("2001:db8:0:2::1"), one);
  assert.equal(addressKey("::1"), "0:0:0:0::/64");
});
