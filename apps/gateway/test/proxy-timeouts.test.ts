import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { startBlackhole } from "./helpers/proxy-blackhole.js";
import {
  spec,
  startGateway,
  startRawUpstream,
  startUpstream,
  waitFor,
} from "./helpers/proxy-harness.js";

test("connect timeout: 504 GH_UPSTREAM_CONNECT_TIMEOUT", async (t) => {
  const hole = await startBlackhole();
  // the other timeouts are far away, so only the connect timeout can answer within 10 s (a busy
  // machine may delay the answer, never make another timeout win)
  const gw = await startGateway(
    spec([hole.port], { connectTimeout: 200, readTimeout: 60_000, writeTimeout: 60_000 }),
  );
  t.after(async () => {
    await gw.close();
    hole.close();
  });

  const started = Date.now();
  const res = await fetch(gw.url);
  assert.equal(res.status, 504);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_CONNECT_TIMEOUT");
  assert.equal(res.headers.get("x-gatehouse-kind"), "connect_timeout");
  assert.ok(Date.now() - started < 10_000);
});

test("read timeout without a response head: 504 GH_UPSTREAM_READ_TIMEOUT", async (t) => {
  const up = await startUpstream(() => undefined); // never answers
  const gw = await startGateway(spec([up.port], { readTimeout: 200 }));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const started = Date.now();
  const res = await fetch(gw.url);
  assert.equal(res.status, 504);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_READ_TIMEOUT");
  assert.ok(Date.now() - started >= 190);
  await waitFor(() => up.open.size === 0, 10_000, "the upstream connection to be closed");
});

test("read timeout mid-body: the client connection is cut, not completed", async (t) => {
  const up = await startUpstream((_req, res) => {
    res.writeHead(200, { "content-length": "100" });
    res.write("partial"); // then stalls
  });
  const gw = await startGateway(spec([up.port], { readTimeout: 200 }));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 200);
  await assert.rejects(res.text());
  await waitFor(() => up.open.size === 0, 10_000, "the upstream connection to be closed");
  assert.equal(gw.errors.length, 0, "onError is not called after onResponse");
});

test("a slow client reading the body is not a read timeout", async (t) => {
  // The client pauses longer than the read watchdog can wait (1 to 1.25 x readTimeout) so a
  // watchdog that counted a paused client as a silent upstream would fire. readTimeout is 2 s, not
  // 150 ms: while the body flows, a process stalled that long by a busy machine would look like a
  // silent upstream too (the watchdog's timer runs before the socket's pending bytes are read).
  const readTimeout = 2000;
  const body = Buffer.alloc(16 * 1024 * 1024, "x");
  const up = await startUpstream((_req, res) => res.end(body));
  const gw = await startGateway(spec([up.port], { readTimeout }));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const received = await new Promise<number>((resolve, reject) => {
    http.get(gw.url, (res) => {
      res.pause();
      let n = 0;
      setTimeout(
        () => {
          res.on("data", (c: Buffer) => (n += c.length));
          res.on("end", () => resolve(n));
          res.on("error", reject);
          res.resume();
        },
        readTimeout * 1.25 + 1000,
      );
    });
  });
  assert.equal(received, body.length);
});

test("write timeout when the upstream does not read the body: 504 GH_UPSTREAM_WRITE_TIMEOUT", async (t) => {
  const up = await startRawUpstream((socket) => socket.pause()); // accepts, never reads
  const gw = await startGateway(spec([up.port], { writeTimeout: 200, readTimeout: 5000 }));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const status = await new Promise<{ status: number; code: string }>((resolve, reject) => {
    const req = http.request(gw.url, { method: "POST" }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, code: String(res.headers["x-gatehouse-error"]) });
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "b");
    let sent = 0;
    const pump = (): void => {
      while (sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  assert.deepEqual(status, { status: 504, code: "GH_UPSTREAM_WRITE_TIMEOUT" });
});
