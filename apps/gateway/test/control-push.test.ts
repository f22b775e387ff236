import assert from "node:assert/strict";
import { test } from "node:test";
import { hashConfig } from "@gatehouse/config";
import { control, doc, echoUpstream, gateway, send } from "./helpers.js";

test("PUT /v1/config applies a newer version and answers {version, hash}", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, { _format_version: "3.0" });
  const config = doc([{ name: "echo", url: up, routes: [{ paths: ["/new"] }] }]);
  const r = await control(gw, "PUT", "/v1/config", { version: 3, config });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { version: 3, hash: hashConfig(config) });
  assert.equal((await send(`${gw.url}/new`)).status, 200);
  const status = (await control(gw, "GET", "/v1/status")).json() as {
    version: number;
    hash: string;
    plugins: unknown[];
  };
  assert.equal(status.version, 3);
  assert.equal(status.hash, hashConfig(config));
  assert.ok(status.plugins.some((p) => (p as { name: string }).name === "key-auth"));
});

test("an invalid push is 400 with every error and the running config stays", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "echo", url: up, routes: [{ paths: ["/old"] }] }]));
  const bad = doc([{ name: "echo", url: up, routes: [{ paths: ["nope"] }] }], {
    plugins: [{ name: "foo" }],
  });
  const r = await control(gw, "PUT", "/v1/config", { version: 2, config: bad });
  assert.equal(r.status, 400);
  assert.deepEqual((r.json() as { errors: unknown[] }).errors, [
    { path: "services[0].routes[0].paths[0]", message: 'must start with "/" or "~"' },
    { path: "plugins[0].name", message: 'plugin "foo" is not installed on this data plane' },
  ]);
  assert.equal((await send(`${gw.url}/old`)).status, 200);
  const status = (await control(gw, "GET", "/v1/status")).json() as { version: number };
  assert.equal(status.version, 0);
});

test("a push that is not newer is 409", async (t) => {
  const gw = await gateway(t, { _format_version: "3.0" });
  assert.equal(
    (await control(gw, "PUT", "/v1/config", { version: 4, config: { _format_version: "3.0" } }))
      .status,
    200,
  );
  const same = await control(gw, "PUT", "/v1/config", {
    version: 4,
    config: { _format_version: "3.0" },
  });
  assert.equal(same.status, 409);
  const older = await control(gw, "PUT", "/v1/config", {
    version: 2,
    config: { _format_version: "3.0" },
  });
  assert.equal(older.status, 409);
  assert.match((older.json() as { message: string }).message, /newer than the running version 4/);
});

test("a malformed push body is 400 naming the field", async (t) => {
  const gw = await gateway(t, { _format_version: "3.0" });
  const r = await control(gw, "PUT", "/v1/config", { config: {} });
  assert.equal(r.status, 400);
  assert.deepEqual((r.json() as { errors: unknown[] }).errors, [
    { path: "version", message: "must be a positive integer" },
  ]);
});
