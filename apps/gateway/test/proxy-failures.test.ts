import assert from "node:assert/strict";
import { test } from "node:test";
import { closedPort, spec, startGateway, startRawUpstream } from "./helpers/proxy-harness.js";

test("connection refused: 502 GH_UPSTREAM_REFUSED, distinguishable from a timeout", async (t) => {
  const gw = await startGateway(spec([await closedPort()]));
  t.after(() => gw.close());

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-kind"), "refused");
  const body = (await res.json()) as { message: string; code: string };
  assert.equal(body.code, "GH_UPSTREAM_REFUSED");
  assert.doesNotMatch(body.message, /127\.0\.0\.1|ECONNREFUSED/, "no upstream internals leak");
});

test("connection reset before the response: 502 GH_UPSTREAM_RESET", async (t) => {
  const up = await startRawUpstream((socket) =>
    socket.once("data", () => socket.resetAndDestroy()),
  );
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_RESET");
});

test("a malformed upstream response: 502 GH_UPSTREAM_PROTOCOL", async (t) => {
  const up = await startRawUpstream((socket) =>
    socket.once("data", () => socket.end("NOT HTTP AT ALL\r\n\r\n")),
  );
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 502);
  assert.equal(res.headers.get("x-gatehouse-error"), "GH_UPSTREAM_PROTOCOL");
});

test("no targets: 503 GH_UPSTREAM_UNAVAILABLE", async (t) => {
  const gw = await startGateway(spec([]));
  t.after(() => gw.close());

  const res = await fetch(gw.url);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("x-gatehouse-kind"), "unavailable");
});

test("only zero-weight targets: 503 GH_UPSTREAM_UNAVAILABLE", async (t) => {
  const up = await startRawUpstream((socket) => socket.destroy());
  const gw = await startGateway(spec([[up.port, 0]]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const res = await fetch(gw.url);
  assert.equal(res.status, 503);
  assert.equal(up.sockets.length, 0);
});

test("the gateway keeps serving after upstream failures", async (t) => {
  const gw = await startGateway(spec([await closedPort()]));
  t.after(() => gw.close());

  const statuses = await Promise.all(
    Array.from({ length: 5 }, () => fetch(gw.url).then((r) => r.status)),
  );
  assert.deepEqual(statuses, [502, 502, 502, 502, 502]);
  assert.equal(gw.errors.length, 5, "onError once per request");
});
