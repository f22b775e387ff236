// Kong's real_ip_header / real_ip_recursive / trusted_ips (GATEHOUSE_REAL_IP_HEADER, _RECURSIVE,
// GATEHOUSE_TRUSTED_PROXIES): the client address ip-restriction, rate-limiting and logs use.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TestContext } from "node:test";
import type { RealIpSettings } from "@gatehouse/config";
import { builtinCatalog } from "@gatehouse/plugins";
import { gatewayEnv } from "../../src/env.js";
import { gateway, send } from "../helpers.js";
import { echoUpstream, oneRoute } from "./helpers.js";

async function withPlugins(
  t: TestContext,
  plugins: unknown[],
  trustedProxies: string[],
  realIp?: RealIpSettings,
): Promise<string> {
  const up = await echoUpstream(t);
  const gw = await gateway(t, oneRoute(up.url, plugins), {
    plugins: builtinCatalog,
    trustedProxies,
    ...(realIp ? { realIp } : {}),
  });
  return `${gw.url}/api`;
}

const denyClient = [{ name: "ip-restriction", config: { deny: ["203.0.113.7"] } }];

test("real_ip_header X-Real-IP behind a trusted proxy: ip-restriction judges the forwarded client", async (t) => {
  const url = await withPlugins(t, denyClient, ["127.0.0.1"], {
    header: "x-real-ip",
    recursive: false,
  });
  const denied = await send(url, { headers: { "x-real-ip": "203.0.113.7" } });
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.json(), { message: "IP address not allowed: 203.0.113.7" });
  // X-Forwarded-For is not the configured header: the peer (127.0.0.1) is judged
  const other = await send(url, { headers: { "x-forwarded-for": "203.0.113.7" } });
  assert.equal(other.status, 200);
});

test("real_ip_recursive: on skips trusted addresses from the right, off takes the last one", async (t) => {
  const trusted = ["127.0.0.1", "10.0.0.0/8"];
  const xff = { "x-forwarded-for": "203.0.113.7, 10.1.1.1" };
  const recursive = await withPlugins(t, denyClient, trusted, {
    header: "x-forwarded-for",
    recursive: true,
  });
  assert.equal((await send(recursive, { headers: xff })).status, 403);
  const last = await withPlugins(t, denyClient, trusted, {
    header: "x-forwarded-for",
    recursive: false,
  });
  assert.equal((await send(last, { headers: xff })).status, 200, "10.1.1.1 is the client");
});

test("a client-sent real-IP header from an untrusted peer is ignored", async (t) => {
  const url = await withPlugins(t, denyClient, [], { header: "x-real-ip", recursive: false });
  assert.equal((await send(url, { headers: { "x-real-ip": "203.0.113.7" } })).status, 200);
});

test("rate-limiting limit_by ip counts the forwarded client address (Kong's get_forwarded_ip)", async (t) => {
  const url = await withPlugins(
    t,
    [{ name: "rate-limiting", config: { minute: 1, limit_by: "ip" } }],
    ["127.0.0.1"],
    { header: "x-real-ip", recursive: false },
  );
  const from = (ip: string) => send(url, { headers: { "x-real-ip": ip } });
  assert.equal((await from("198.51.100.1")).status, 200);
  assert.equal((await from("198.51.100.2")).status, 200, "another client, its own counter");
  assert.equal((await from("198.51.100.1")).status, 429);
});

test("GATEHOUSE_REAL_IP_HEADER / _RECURSIVE: Kong's values, proxy_protocol included (it needs --proxy-protocol: proxy-protocol.test.ts)", () => {
  const base = { GATEHOUSE_CLUSTER_TOKEN: "x".repeat(32) };
  const env = gatewayEnv({
    ...base,
    GATEHOUSE_REAL_IP_HEADER: "X-Real-IP",
    GATEHOUSE_REAL_IP_RECURSIVE: "off",
  });
  assert.equal(env.GATEHOUSE_REAL_IP_HEADER, "x-real-ip");
  assert.equal(env.GATEHOUSE_REAL_IP_RECURSIVE, false);
  const defaults = gatewayEnv(base);
  assert.equal(defaults.GATEHOUSE_REAL_IP_HEADER, "x-forwarded-for");
  assert.equal(defaults.GATEHOUSE_REAL_IP_RECURSIVE, true);
  assert.equal(
    gatewayEnv({ ...base, GATEHOUSE_REAL_IP_HEADER: "PROXY_protocol" }).GATEHOUSE_REAL_IP_HEADER,
    "proxy_protocol",
  );
  assert.throws(
    () => gatewayEnv({ ...base, GATEHOUSE_REAL_IP_HEADER: "x real ip" }),
    /GATEHOUSE_REAL_IP_HEADER.*is not a header name/s,
  );
  assert.throws(
    () => gatewayEnv({ ...base, GATEHOUSE_REAL_IP_RECURSIVE: "yes" }),
    /GATEHOUSE_REAL_IP_RECURSIVE/,
  );
});
