import assert from "node:assert/strict";
import { test } from "node:test";
import {
  spec,
  startGateway,
  startRawUpstream,
  startUpstream,
  waitFor,
} from "./helpers/proxy-harness.js";

test("sequential requests reuse one keep-alive connection to the upstream", async (t) => {
  const up = await startUpstream();
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${gw.url}/n/${i}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
  }
  assert.equal(up.requests.length, 5);
  assert.equal(up.connections, 1);
});

test("concurrent requests never open more than maxSockets connections per target", async (t) => {
  let active = 0;
  let peak = 0;
  const up = await startUpstream((_req, res) => {
    active++;
    peak = Math.max(peak, active);
    setTimeout(() => {
      active--;
      res.end("slow");
    }, 60);
  });
  const gw = await startGateway(spec([up.port]), { pool: { maxSockets: 2 } });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const statuses = await Promise.all(
    Array.from({ length: 6 }, () => fetch(gw.url).then((r) => r.status)),
  );
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
  assert.equal(up.connections, 2);
  assert.equal(peak, 2);
});

test("idle upstream connections are closed by the gateway after idleTimeout", async (t) => {
  const up = await startUpstream();
  // the upstream's keep-alive timeout is far away, so only the gateway's idleTimeout can close
  // the socket within 10 s (a busy machine may delay the close, never make the upstream win)
  up.server.keepAliveTimeout = 60_000;
  const gw = await startGateway(spec([up.port]), { pool: { idleTimeout: 150 } });
  t.after(() => Promise.all([gw.close(), up.close()]));

  assert.equal((await fetch(gw.url)).status, 200);
  assert.equal(up.open.size, 1);
  const started = Date.now();
  await waitFor(() => up.open.size === 0, 15_000, "the idle socket to close");
  assert.ok(
    Date.now() - started < 10_000,
    "closed well before the upstream's 60 s keep-alive timeout",
  );
});

const FIRST_RESPONSE =
  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nfirst";
const FRESH_RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nfresh";

/** Upstream whose first connection answers once, then dies when reused (keep-alive race). */
function dyingKeepAlive() {
  return startRawUpstream((socket, index) => {
    let requests = 0;
    socket.on("data", () => {
      requests++;
      if (index === 0 && requests === 1) socket.write(FIRST_RESPONSE);
      else if (index === 0) socket.resetAndDestroy();
      else socket.end(FRESH_RESPONSE);
    });
  });
}

test("an idempotent request on a dead reused socket is retried once on a fresh connection", async (t) => {
  const up = await dyingKeepAlive();
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  assert.equal(await (await fetch(gw.url)).text(), "first");
  const res = await fetch(gw.url);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "fresh");
  assert.equal(up.sockets.length, 2);
});

test("a POST on a dead reused socket is not replayed: 502 reset", async (t) => {
  const up = await dyingKeepAlive();
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  assert.equal(await (await fetch(gw.url)).text(), "first");
  const res = await fetch(gw.url, { method: "POST", body: "payload" });
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_RESET");
  assert.equal(up.sockets.length, 1);
});
