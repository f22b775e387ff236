import assert from "node:assert/strict";
import { test } from "node:test";
import { mock } from "@gatehouse/plugins";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("mock through a gateway: matched rules answer, the rest falls through to the upstream", async (t) => {
  const up = await echoUpstream(t);
  const config = doc(up.url, [
    {
      name: "mock",
      config: {
        fallthrough: true,
        rules: [{ methods: ["GET"], path: "/api/users/{id}", body: { id: "{id}" } }],
      },
    },
  ]);
  const gw = await gateway(t, config, [mock]);
  const r = await fetch(`${gw.url}/api/users/42`);
  assert.equal(r.status, 200);
  assert.deepEqual(await r.json(), { id: "42" });
  assert.equal(up.seen.length, 0);
  const other = await fetch(`${gw.url}/api/orders`);
  assert.equal(other.status, 200);
  assert.equal(((await other.json()) as { url: string }).url, "/orders"); // strip_path;
  assert.equal(up.seen.length, 1);
});
