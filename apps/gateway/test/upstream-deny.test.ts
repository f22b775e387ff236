import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { TestContext } from "node:test";
import { test } from "node:test";
import { control, doc, gateway, listen, send } from "./helpers.js";

const DENIED = { message: "An invalid response was received from the upstream server" };

/** An upstream on 127.0.0.1 that counts the connections it accepted. */
async function countingUpstream(
  t: TestContext,
): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server: Server = createServer((_req, res) => res.end("internal secret"));
  server.on("connection", () => connections++);
  const url = await listen(server, t);
  return { port: Number(new URL(url).port), connections: () => connections };
}

function service(url: string, path = "/x"): unknown {
  return { name: "s", url, retries: 0, connect_timeout: 60_000, routes: [{ paths: [path] }] };
}

test("SSRF to a metadata address: the default list refuses it before connecting (502, no timeout)", async (t) => {
  const gw = await gateway(t, doc([service("http://169.254.169.254/latest/meta-data")]));
  const started = performance.now();
  const r = await send(`${gw.url}/x`);
  assert.equal(r.status, 502);
  assert.deepEqual(r.json(), DENIED);
  assert.doesNotMatch(r.text, /169\.254|denied|rule/);
  // without the check, the connect to a link-local address hangs until connect_timeout (504,
  // 60 s): an answer within 10 s came from the check, however busy the machine
  assert.ok(performance.now() - started < 10_000);
});

test("SSRF through 0.0.0.0 (this host) to a local port is refused by default; upstream_deny: [] allows it", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, doc([service(`http://0.0.0.0:${up.port}`)]));
  const r = await send(`${gw.url}/x`);
  assert.equal(r.status, 502);
  assert.equal(up.connections(), 0);

  const open = await gateway(t, doc([service(`http://0.0.0.0:${up.port}`)], { upstream_deny: [] }));
  const ok = await send(`${open.url}/x`);
  assert.equal(ok.status, 200);
  assert.equal(ok.text, "internal secret");
});

test("upstream_deny port rule: the address actually connected to is checked, IP literal or host name", async (t) => {
  const up = await countingUpstream(t);
  const services = [
    service(`http://127.0.0.1:${up.port}`, "/ip"),
    { ...(service(`http://localhost:${up.port}`, "/name") as object), name: "n" },
  ];
  // without a rule, "localhost" reaches the upstream (the name resolves to 127.0.0.1 here)
  const open = await gateway(t, doc(services));
  assert.equal((await send(`${open.url}/name`)).status, 200);
  const before = up.connections();
  const deny = { upstream_deny: [`127.0.0.0/8:${up.port}`, `[::1]:${up.port}`] };
  const gw = await gateway(t, doc(services, deny));
  assert.equal((await send(`${gw.url}/ip`)).status, 502);
  // checked on the DNS answer: a name resolving to a denied address is refused too
  assert.equal((await send(`${gw.url}/name`)).status, 502);
  assert.equal(up.connections(), before);
});

test("--upstream-deny rules apply whatever the config says", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(
    t,
    doc([service(`http://127.0.0.1:${up.port}`)], { upstream_deny: [] }),
    {
      upstreamDeny: [`*:${up.port}`],
    },
  );
  assert.equal((await send(`${gw.url}/x`)).status, 502);
  assert.equal(up.connections(), 0);
  await assert.rejects(
    gateway(t, doc(), { upstreamDeny: ["nope"] }),
    /upstream deny rule 0: "nope"/,
  );
});

test("SSRF to the data plane's own control endpoint and proxy port is refused, even with upstream_deny: []", async (t) => {
  const gw = await gateway(t, undefined);
  const controlPort = Number(new URL(gw.controlUrl).port);
  const proxyPort = Number(new URL(gw.url).port);
  const push = await control(gw, "PUT", "/v1/config", {
    version: 1,
    config: doc(
      [
        service(`http://127.0.0.1:${controlPort}/v1/status`, "/control"),
        { ...(service(`http://127.0.0.1:${proxyPort}/control`, "/loop") as object), name: "l" },
      ],
      { upstream_deny: [] },
    ),
  });
  assert.equal(push.status, 200);
  const r = await send(`${gw.url}/control`);
  assert.equal(r.status, 502);
  assert.doesNotMatch(r.text, /version|plugins/);
  assert.equal((await send(`${gw.url}/loop`)).status, 502);
});

test("SSRF to the control plane's port (GATEHOUSE_CONTROL_PLANE_URL) is refused", async (t) => {
  let proxied = 0;
  const admin = createServer((req, res) => {
    if (req.url === "/api/v1/secret") proxied++;
    res.writeHead(503).end(); // registration attempts of the agent
  });
  const adminUrl = await listen(admin, t);
  const gw = await gateway(t, doc([service(`${adminUrl}/api/v1/secret`)]), {
    controlPlaneUrl: adminUrl,
    heartbeatIntervalMs: 60_000,
  });
  assert.equal((await send(`${gw.url}/x`)).status, 502);
  assert.equal(proxied, 0);
});

test("a pushed deny list applies to the next request, kept-alive upstream sockets included", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, undefined);
  const cfg = (extra: Record<string, unknown>) =>
    doc([service(`http://127.0.0.1:${up.port}`)], extra);
  assert.equal(
    (await control(gw, "PUT", "/v1/config", { version: 1, config: cfg({}) })).status,
    200,
  );
  assert.equal((await send(`${gw.url}/x`)).status, 200);
  assert.equal(up.connections(), 1); // a pooled keep-alive socket now exists
  const denied = cfg({ upstream_deny: [`127.0.0.1:${up.port}`] });
  assert.equal(
    (await control(gw, "PUT", "/v1/config", { version: 2, config: denied })).status,
    200,
  );
  assert.equal((await send(`${gw.url}/x`)).status, 502);
  assert.equal(up.connections(), 1);
  const bad = await control(gw, "PUT", "/v1/config", {
    version: 3,
    config: cfg({ upstream_deny: ["10.0.0.0/40"] }),
  });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), {
    errors: [
      {
        path: "upstream_deny[0]",
        message: '"10.0.0.0/40" is not an IP address or CIDR (e.g. 169.254.0.0/16, fe80::/10)',
      },
    ],
  });
});
