import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import {
  spec,
  startGateway,
  startRawUpstream,
  startUpstream,
  waitFor,
} from "./helpers/proxy-harness.js";

function agentSockets(
  gw: Awaited<ReturnType<typeof startGateway>>,
  s: ReturnType<typeof spec>,
): number {
  const agent = gw.pool.upstream(s).targets[0]?.agent;
  return Object.values(agent?.sockets ?? {}).reduce((n, list) => n + (list?.length ?? 0), 0);
}

test("a client aborting mid-response closes the upstream request", async (t) => {
  const up = await startUpstream((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first chunk"); // and the response stays open
  });
  const s = spec([up.port]);
  const gw = await startGateway(s);
  t.after(() => Promise.all([gw.close(), up.close()]));

  await new Promise<void>((resolve) => {
    const req = http.get(gw.url, (res) => {
      res.once("data", () => {
        req.destroy();
        resolve();
      });
    });
    req.on("error", () => undefined);
  });
  await waitFor(() => up.open.size === 0, 1000, "the upstream socket to close");
  assert.equal(agentSockets(gw, s), 0, "no socket left in the agent");
  assert.equal(gw.responses.length, 1);
  assert.equal(gw.errors.length, 0);
});

test("a client aborting before the response head cancels the upstream request", async (t) => {
  const up = await startUpstream(() => undefined); // never answers
  const s = spec([up.port]);
  const gw = await startGateway(s);
  t.after(() => Promise.all([gw.close(), up.close()]));

  const req = http.get(gw.url);
  req.on("error", () => undefined);
  await waitFor(() => up.requests.length === 1, 1000, "the request to reach the upstream");
  req.destroy();
  await waitFor(() => up.open.size === 0, 1000, "the upstream socket to close");
  await gw.settled(1);
  assert.equal(gw.errors[0]?.kind, "cancelled");
  assert.equal(agentSockets(gw, s), 0);
});

test("an upstream failing after the head was sent: the client connection is destroyed, no second head", async (t) => {
  const up = await startRawUpstream((socket, index) =>
    socket.once("data", () => {
      if (index > 0) {
        socket.end("HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnext");
        return;
      }
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
      setTimeout(() => socket.resetAndDestroy(), 50);
    }),
  );
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const raw = await new Promise<{ text: string; error: boolean }>((resolve) => {
    let text = "";
    const req = http.get(gw.url, (res) => {
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("error", () => resolve({ text, error: true }));
      res.on("end", () => resolve({ text, error: false }));
    });
    req.on("error", () => resolve({ text, error: true }));
  });
  assert.deepEqual(raw, { text: "partial", error: true });
  assert.equal(gw.errors.length, 0, "onError is not called once the response was handed over");
  // and the gateway goes on serving
  assert.equal(await (await fetch(gw.url)).text(), "next");
});
