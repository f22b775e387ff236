import assert from "node:assert/strict";
import { test } from "node:test";
import { control, gateway, send } from "./helpers.js";

test("without a config the gateway is not ready: 503 on /v1/ready and a clear error for traffic", async (t) => {
  const gw = await gateway(t, undefined);
  const ready = await control(gw, "GET", "/v1/ready");
  assert.equal(ready.status, 503);
  const traffic = await send(`${gw.url}/anything`);
  assert.equal(traffic.status, 503);
  assert.match((traffic.json() as { message: string }).message, /no configuration/);
  const status = await control(gw, "GET", "/v1/status");
  assert.equal((status.json() as { ready: boolean }).ready, false);
});

test("ready once a config is loaded", async (t) => {
  const gw = await gateway(t, { _format_version: "3.0" });
  const ready = await control(gw, "GET", "/v1/ready");
  assert.equal(ready.status, 200);
  assert.deepEqual((ready.json() as { ready: boolean }).ready, true);
});
