import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

test("ip-restriction refuses a denied client address with 403 and lets others through", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: up,
        routes: [
          {
            name: "denied",
            paths: ["/denied"],
            plugins: [{ name: "ip-restriction", config: { deny: ["127.0.0.0/8"] } }],
          },
          {
            name: "allowed",
            paths: ["/allowed"],
            plugins: [{ name: "ip-restriction", config: { allow: ["127.0.0.1"] } }],
          },
        ],
      },
    ]),
  );
  const denied = await send(`${gw.url}/denied`);
  assert.equal(denied.status, 403);
  assert.match((denied.json() as { message: string }).message, /not allowed/);
  assert.equal((await send(`${gw.url}/allowed`)).status, 200);
});
