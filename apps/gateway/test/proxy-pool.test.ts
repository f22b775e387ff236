import assert from "node:assert/strict";
import http from "node:http";
import { test } from "node:test";
import { UpstreamPool, forward, pipeResponse, type Upstream } from "../src/proxy/index.js";
import { listen, spec, startUpstream, waitFor } from "./helpers/proxy-harness.js";

/** A gateway whose upstream can be swapped, as a config snapshot swap does. */
async function swappableGateway(initial: Upstream) {
  let current = initial;
  const server = http.createServer((req, res) => {
    forward(
      req,
      res,
      current,
      { method: req.method ?? "GET", path: req.url ?? "/", headers: {} },
      {
        onResponse: (proxyRes) => pipeResponse(proxyRes, res),
        onError: (err) => {
          res.writeHead(err.status);
          res.end(err.code);
        },
      },
    );
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    swap(next: Upstream) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test("a new generation reuses the previous generation's keep-alive connections", async (t) => {
  const up = await startUpstream();
  const gen1 = new UpstreamPool();
  const gw = await swappableGateway(gen1.upstream(spec([up.port])));
  const gen2 = new UpstreamPool({ previous: gen1 });
  t.after(async () => {
    await Promise.all([gw.close(), up.close()]);
    gen2.destroy();
  });

  assert.equal((await fetch(gw.url)).status, 200);
  gw.swap(gen2.upstream(spec([up.port], { readTimeout: 9000 })));
  gen1.close();
  assert.equal((await fetch(gw.url)).status, 200);
  assert.equal(up.connections, 1);
  assert.equal(up.open.size, 1);
});

test("closing a generation closes idle connections no later generation uses", async (t) => {
  const a = await startUpstream();
  const b = await startUpstream();
  const gen1 = new UpstreamPool();
  const gw = await swappableGateway(gen1.upstream(spec([a.port])));
  const gen2 = new UpstreamPool({ previous: gen1 });
  t.after(async () => {
    await Promise.all([gw.close(), a.close(), b.close()]);
    gen2.destroy();
  });

  assert.equal((await fetch(gw.url)).status, 200);
  gw.swap(gen2.upstream(spec([b.port])));
  gen1.close();
  await waitFor(() => a.open.size === 0, 1000, "the retired idle socket to close");
  assert.equal((await fetch(gw.url)).status, 200);
  assert.equal(b.open.size, 1);
});

test("closing a generation lets its in-flight request finish, then closes the socket", async (t) => {
  const up = await startUpstream((_req, res) => setTimeout(() => res.end("late"), 150));
  const gen1 = new UpstreamPool();
  const gw = await swappableGateway(gen1.upstream(spec([up.port])));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const pending = fetch(gw.url).then((r) => r.text());
  await waitFor(() => up.requests.length === 1, 1000, "the request to reach the upstream");
  gen1.close();
  assert.equal(await pending, "late");
  await waitFor(() => up.open.size === 0, 1000, "the socket of the closed generation to close");
});
