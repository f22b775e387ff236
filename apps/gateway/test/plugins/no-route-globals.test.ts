// Kong runs the global plugins on a request that matches no route: rewrite, then the router's 404
// in place of access (Kong routes in access, before the plugins' access handlers), then
// header_filter, body_filter and log. So http-log / file-log log the 404 and cors adds its headers
// to it; access-phase plugins (request-termination, ip-restriction) do not run, as in Kong. A
// WebSocket handshake no route matches goes the same way (its answer on its socket).
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import { WebSocket } from "ws";
import { builtinCatalog } from "@gatehouse/plugins";
import { collector } from "@gatehouse/plugins/testing";
import { gateway } from "../helpers.js";
import { echoUpstream } from "./helpers.js";

const NO_ROUTE = { message: "no Route matched with those values" };

test("a request no route matches is logged by a global http-log, with Kong's 404", async (t) => {
  const up = await echoUpstream(t);
  const c = await collector(t);
  const gw = await gateway(
    t,
    {
      _format_version: "3.0",
      services: [{ name: "svc", url: up.url, routes: [{ name: "r", paths: ["/api"] }] }],
      plugins: [{ name: "http-log", config: { http_endpoint: c.url } }],
    },
    { plugins: builtinCatalog },
  );
  const r = await fetch(`${gw.url}/nowhere?x=1`);
  assert.equal(r.status, 404);
  assert.deepEqual(await r.json(), NO_ROUTE);
  await c.waitFor(1);
  const e = c.received[0]?.body as {
    request: { uri: string };
    response: { status: number };
    route: unknown;
    service: unknown;
  };
  assert.equal(e.request.uri, "/nowhere?x=1");
  assert.equal(e.response.status, 404);
  assert.equal(e.route, null);
  assert.equal(e.service, null);
  assert.equal(up.seen.length, 0);
});

test("on a request no route matches, a global cors adds its headers to the 404; request-termination and ip-restriction (access phase) do not run, as in Kong", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    {
      _format_version: "3.0",
      services: [{ name: "svc", url: up.url, routes: [{ name: "r", paths: ["/api"] }] }],
      plugins: [
        { name: "cors", config: { origins: ["https://app.example"] } },
        {
          name: "request-termination",
          config: { status_code: 503, message: "down", trigger: "x-down" },
        },
        { name: "ip-restriction", config: { deny: ["127.0.0.1"] } },
      ],
    },
    { plugins: builtinCatalog },
  );
  const r = await fetch(`${gw.url}/nowhere`, {
    headers: { origin: "https://app.example", "x-down": "1" },
  });
  assert.equal(r.status, 404);
  assert.deepEqual(await r.json(), NO_ROUTE);
  assert.equal(r.headers.get("access-control-allow-origin"), "https://app.example");
  // a matched route still gets every global plugin: ip-restriction refuses first (higher priority)
  const matched = await fetch(`${gw.url}/api`, { headers: { "x-down": "1" } });
  assert.equal(matched.status, 403);
  await matched.arrayBuffer();
});

test("without global plugins a request no route matches is answered 404 as before", async (t) => {
  const gw = await gateway(
    t,
    { _format_version: "3.0", routes: [{ name: "r", paths: ["/api"] }] },
    { plugins: builtinCatalog },
  );
  const r = await fetch(`${gw.url}/nowhere`);
  assert.equal(r.status, 404);
  assert.deepEqual(await r.json(), NO_ROUTE);
});

/** A WebSocket handshake the gateway refuses: its HTTP answer, read by the `ws` client. */
function refusedHandshake(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => reject(new Error("upgraded")));
    ws.once("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.once("error", reject);
  });
}

test("a WebSocket handshake no route matches runs the global plugins as an HTTP request does: http-log logs Kong's 404, cors adds its headers, request-termination (access) does not run", async (t) => {
  const up = await echoUpstream(t);
  const c = await collector(t);
  const gw = await gateway(
    t,
    {
      _format_version: "3.0",
      services: [{ name: "svc", url: up.url, routes: [{ name: "r", paths: ["/api"] }] }],
      plugins: [
        { name: "http-log", config: { http_endpoint: c.url } },
        { name: "cors", config: { origins: ["https://app.example"] } },
        {
          name: "request-termination",
          config: { status_code: 503, message: "down", trigger: "x-down" },
        },
      ],
    },
    { plugins: builtinCatalog },
  );
  const r = await refusedHandshake(`${gw.url.replace(/^http/, "ws")}/nowhere?x=1`, {
    origin: "https://app.example",
    "x-down": "1",
  });
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), NO_ROUTE);
  assert.equal(r.headers["access-control-allow-origin"], "https://app.example");
  assert.equal(r.headers.connection, "close");
  await c.waitFor(1);
  const e = c.received[0]?.body as {
    request: { uri: string; headers: Record<string, string> };
    response: { status: number };
    route: unknown;
  };
  assert.equal(e.request.uri, "/nowhere?x=1");
  assert.equal(e.request.headers.upgrade, "websocket");
  assert.equal(e.response.status, 404);
  assert.equal(e.route, null);
  assert.equal(up.seen.length, 0);
});

test("a WebSocket handshake no route matches, without global plugins: 404 as before", async (t) => {
  const gw = await gateway(
    t,
    { _format_version: "3.0", routes: [{ name: "r", paths: ["/api"] }] },
    { plugins: builtinCatalog },
  );
  const r = await refusedHandshake(`${gw.url.replace(/^http/, "ws")}/nowhere`, {});
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body), NO_ROUTE);
});

test("on a request no route matches, the global plugins get the client address of GATEHOUSE_REAL_IP_HEADER behind a trusted proxy", async (t) => {
  const c = await collector(t);
  const gw = await gateway(
    t,
    {
      _format_version: "3.0",
      routes: [{ name: "r", paths: ["/api"] }],
      plugins: [{ name: "http-log", config: { http_endpoint: c.url } }],
    },
    {
      plugins: builtinCatalog,
      trustedProxies: ["127.0.0.1"],
      realIp: { header: "x-real-ip", recursive: false },
    },
  );
  const r = await fetch(`${gw.url}/nowhere`, {
    headers: { "x-real-ip": "203.0.113.9", "x-forwarded-for": "198.51.100.1" },
  });
  assert.equal(r.status, 404);
  await r.arrayBuffer();
  await c.waitFor(1);
  assert.equal((c.received[0]?.body as { client_ip: string }).client_ip, "203.0.113.9");
});
