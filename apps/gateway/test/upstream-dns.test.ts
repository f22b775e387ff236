// Issue 12: host-name targets are resolved (an injected resolver here: no /etc/hosts edits) and
// re-resolved when the TTL ends; a name that stops resolving marks its target DNS_ERROR (no
// traffic) instead of failing requests, and resolving again brings it back.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { TestContext } from "node:test";
import type { Resolve } from "../src/proxy/balancer/dns.js";
import { control, gateway, send } from "./helpers.js";
import { backends, eventually, poolDoc } from "./upstream-helpers.js";

async function serve(t: TestContext, host: string, port: number, name: string): Promise<number> {
  const server = createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

test("a host-name target follows its name's addresses, re-resolved at TTL end", async (t) => {
  const port = await serve(t, "127.0.0.1", 0, "first");
  await serve(t, "127.0.0.2", port, "second");
  let address = "127.0.0.1";
  let lookups = 0;
  const resolve: Resolve = async (host) => {
    assert.equal(host, "api.test");
    lookups++;
    return { addresses: [address], ttl: 1 };
  };
  const gw = await gateway(t, poolDoc([{ target: `api.test:${port}` }]), { resolve });
  await eventually("the first answer", async () => (await send(gw.url)).text === "first");
  address = "127.0.0.2";
  await eventually("re-resolved", async () => (await send(gw.url)).text === "second");
  assert.ok(lookups >= 2);
});

test("a name that stops resolving takes its target out, and back when it resolves", async (t) => {
  const [b] = await backends(t, 1);
  const port = await serve(t, "127.0.0.1", 0, "named");
  let resolves = true;
  const resolve: Resolve = async () => {
    if (!resolves) throw Object.assign(new Error("queryA ENOTFOUND"), { code: "ENOTFOUND" });
    return { addresses: ["127.0.0.1"], ttl: 1 };
  };
  const gw = await gateway(t, poolDoc([{ target: `api.test:${port}` }, { target: b!.target }]), {
    resolve,
  });
  await eventually("both targets answer", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await send(gw.url)).text);
    return seen.has("named") && seen.has("b0");
  });
  resolves = false;
  await eventually("marked DNS_ERROR", async () => {
    const m = await control(gw, "GET", "/metrics");
    return m.text.includes(`target="api.test:${port}"} 0`);
  });
  for (let i = 0; i < 4; i++) {
    const r = await send(gw.url);
    assert.equal(r.status, 200, "requests never fail for the name");
    assert.equal(r.text, "b0");
  }
  resolves = true;
  await eventually("back in", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++) seen.add((await send(gw.url)).text);
    return seen.has("named");
  });
});
