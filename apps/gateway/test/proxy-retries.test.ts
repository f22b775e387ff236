import assert from "node:assert/strict";
import { test } from "node:test";
import { startBlackhole } from "./helpers/proxy-blackhole.js";
import {
  closedPort,
  spec,
  startGateway,
  startRawUpstream,
  startUpstream,
} from "./helpers/proxy-harness.js";

test("a refused connection is retried on the next target", async (t) => {
  const good = await startUpstream((_req, res) => res.end("good"));
  const gw = await startGateway(spec([await closedPort(), good.port], { retries: 1 }));
  t.after(() => Promise.all([gw.close(), good.close()]));

  const res = await fetch(gw.url, { method: "POST", body: "streamed body" });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "good");
  assert.equal(gw.responses[0]?.target, `127.0.0.1:${good.port}`);
});

test("the retried request carries the whole streamed body", async (t) => {
  let received = "";
  const good = await startUpstream((req, res) => {
    req.setEncoding("utf8");
    req.on("data", (c: string) => (received += c));
    req.on("end", () => res.end("good"));
  });
  const gw = await startGateway(spec([await closedPort(), good.port], { retries: 1 }));
  t.after(() => Promise.all([gw.close(), good.close()]));

  const res = await fetch(gw.url, { method: "PUT", body: "x".repeat(100_000) });
  assert.equal(res.status, 200);
  assert.equal(received.length, 100_000);
});

test("retries: 0 means a refused connection is not retried", async (t) => {
  const good = await startUpstream();
  const gw = await startGateway(spec([await closedPort(), good.port], { retries: 0 }));
  t.after(() => Promise.all([gw.close(), good.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(good.requests.length, 0);
});

test("a connect timeout is retried on the next target", async (t) => {
  const hole = await startBlackhole();
  const good = await startUpstream((_req, res) => res.end("good"));
  const gw = await startGateway(spec([hole.port, good.port], { retries: 1, connectTimeout: 150 }));
  t.after(async () => {
    await Promise.all([gw.close(), good.close()]);
    hole.close();
  });

  const res = await fetch(gw.url);
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "good");
});

test("a reset after connecting is not retried (the upstream may have acted on it)", async (t) => {
  const resetting = await startRawUpstream((socket) =>
    socket.once("data", () => socket.resetAndDestroy()),
  );
  const good = await startUpstream();
  const gw = await startGateway(spec([resetting.port, good.port], { retries: 3 }));
  t.after(() => Promise.all([gw.close(), good.close(), resetting.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-kind"), "reset");
  assert.equal(good.requests.length, 0);
});

test("when every retry fails, the last connect error is reported", async (t) => {
  const gw = await startGateway(spec([await closedPort(), await closedPort()], { retries: 4 }));
  t.after(() => gw.close());

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_REFUSED");
  assert.equal(gw.errors.length, 1);
});

test("many retries do not pile up listeners on the client request", async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on("warning", onWarning);
  const gw = await startGateway(spec([await closedPort(), await closedPort()], { retries: 12 }));
  t.after(async () => {
    process.off("warning", onWarning);
    await gw.close();
  });

  assert.equal((await fetch(gw.url, { method: "POST", body: "x" })).status, 502);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(warnings, []);
});
