import assert from "node:assert/strict";
import { test } from "node:test";
import { control, doc, gateway, send, upstream } from "./helpers.js";

test("an in-flight request finishes on the config it started with while a push swaps", async (t) => {
  let release: (() => void) | undefined;
  let arrivedResolve: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    arrivedResolve = resolve;
  });
  const slow = await upstream(t, (req, res) => {
    arrivedResolve();
    release = () => res.end(`old:${req.url}`);
  });
  const fast = await upstream(t, (req, res) => res.end(`new:${req.url}`));
  const gw = await gateway(t, doc([{ name: "s", url: slow, routes: [{ paths: ["/a"] }] }]));
  const inflight = send(`${gw.url}/a/1`);
  await arrived;
  const push = await control(gw, "PUT", "/v1/config", {
    version: 2,
    config: doc([{ name: "s", url: fast, routes: [{ paths: ["/a"] }] }]),
  });
  assert.equal(push.status, 200);
  assert.equal((await send(`${gw.url}/a/2`)).text, "new:/2");
  release?.();
  const old = await inflight;
  assert.equal(old.status, 200);
  assert.equal(old.text, "old:/1");
});
