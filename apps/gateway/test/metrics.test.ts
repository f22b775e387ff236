import assert from "node:assert/strict";
import { test } from "node:test";
import { control, doc, echoUpstream, gateway, send } from "./helpers.js";

test("GET /metrics exposes requests by route and status, latencies, config version and applies", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "echo", url: up, routes: [{ name: "echo-route", paths: ["/echo"] }] }]),
  );
  assert.equal((await send(`${gw.url}/echo`)).status, 200);
  assert.equal((await send(`${gw.url}/missing`)).status, 404);
  assert.equal(
    (await control(gw, "PUT", "/v1/config", { version: 1, config: { nope: 1 } })).status,
    400,
  );
  const r = await control(gw, "GET", "/metrics");
  assert.equal(r.status, 200);
  assert.match(r.headers["content-type"] ?? "", /^text\/plain/);
  assert.match(r.text, /gatehouse_requests_total\{route="echo-route",status="200"\} 1/);
  assert.match(r.text, /gatehouse_requests_total\{route="none",status="404"\} 1/);
  assert.match(r.text, /gatehouse_upstream_latency_seconds_count\{route="echo-route"\} 1/);
  assert.match(r.text, /gatehouse_request_latency_seconds_count\{route="echo-route"\} 1/);
  assert.match(r.text, /gatehouse_config_version 0/);
  assert.match(r.text, /gatehouse_config_applies_total 1/);
  assert.match(r.text, /gatehouse_config_rejections_total 1/);
});
