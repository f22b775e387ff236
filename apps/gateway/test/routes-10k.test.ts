import assert from "node:assert/strict";
import { test } from "node:test";
import { control, doc, echoUpstream, gateway, send } from "./helpers.js";

test("a 10,000-route config is validated, compiled and swapped in well under a few seconds", async (t) => {
  const up = await echoUpstream(t);
  const routes = Array.from({ length: 10_000 }, (_, i) => ({
    name: `r${i}`,
    paths: [`/svc${i}/items`],
  }));
  const gw = await gateway(t, { _format_version: "3.0" });
  const started = performance.now();
  const r = await control(gw, "PUT", "/v1/config", {
    version: 2,
    config: doc([{ name: "many", url: up, routes }]),
  });
  const ms = performance.now() - started;
  assert.equal(r.status, 200);
  assert.ok(ms < 5000, `took ${ms} ms`);
  const hit = await send(`${gw.url}/svc9999/items/x`);
  assert.equal((hit.json() as { path: string }).path, "/x");
});
