// Kong runs the global plugins on a request that matches no route: rewrite, then the router's 404
// in place of access (Kong routes in access, before the plugins' access handlers), then
// header_filter, body_filter and log. So http-log / file-log log the 404 and cors adds its headers
// to it; access-phase plugins (request-termination, ip-restriction) do not run, as in Kong.
import assert from "node:assert/strict";
import { test } from "node:test";
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
