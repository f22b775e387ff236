import assert from "node:assert/strict";
import { test } from "node:test";
import { definePlugin } from "@gatehouse/plugin-kit";
import { builtinPlugins, catalogOf } from "@gatehouse/plugins";
import { z } from "zod";
import { doc, gateway, send, upstream } from "./helpers.js";

const thrower = definePlugin({
  name: "test-thrower",
  version: "1.0.0",
  priority: 5000,
  configSchema: z.object({}).strict(),
  phases: {
    access() {
      throw new Error("database password is hunter2");
    },
  },
});

const rescuer = definePlugin({
  name: "test-rescuer",
  version: "1.0.0",
  priority: 10,
  configSchema: z.object({}).strict(),
  phases: {},
  catch(kit) {
    kit.response.exit(299, { recovered: true });
  },
});

const plugins = catalogOf([...builtinPlugins, thrower, rescuer]);

test("a plugin that throws becomes a 500 without internal details", async (t) => {
  const up = await upstream(t, (_req, res) => res.end("never"));
  const gw = await gateway(
    t,
    doc([
      { name: "s", url: up, routes: [{ paths: ["/boom"], plugins: [{ name: "test-thrower" }] }] },
    ]),
    { plugins },
  );
  const r = await send(`${gw.url}/boom`);
  assert.equal(r.status, 500);
  assert.doesNotMatch(r.text, /hunter2/);
  assert.deepEqual(r.json(), { message: "An unexpected error occurred" });
});

test("an error-handler plugin recovers a thrown error", async (t) => {
  const up = await upstream(t, (_req, res) => res.end("never"));
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: up,
        routes: [
          { paths: ["/boom"], plugins: [{ name: "test-thrower" }, { name: "test-rescuer" }] },
        ],
      },
    ]),
    { plugins },
  );
  const r = await send(`${gw.url}/boom`);
  assert.equal(r.status, 299);
  assert.deepEqual(r.json(), { recovered: true });
});

test("an error-handler plugin answers an upstream failure", async (t) => {
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: "http://127.0.0.1:1",
        retries: 0,
        routes: [{ paths: ["/down"], plugins: [{ name: "test-rescuer" }] }],
      },
    ]),
    { plugins },
  );
  const r = await send(`${gw.url}/down`);
  assert.equal(r.status, 299);
});
