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
  // Kong 3.4+: the default message names the client address
  assert.deepEqual(denied.json(), { message: "IP address not allowed: 127.0.0.1" });
  assert.equal((await send(`${gw.url}/allowed`)).status, 200);
});
