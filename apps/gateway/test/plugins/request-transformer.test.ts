import assert from "node:assert/strict";
import { test } from "node:test";
import { requestTransformer } from "@gatehouse/plugins";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("request-transformer through a gateway: uri, method, headers, querystring and JSON body", async (t) => {
  const up = await echoUpstream(t);
  const conf = {
    http_method: "PUT",
    remove: { headers: ["X-Secret"], querystring: ["debug"], body: ["password"] },
    replace: { uri: "/v2/$(query_params.kind)" },
    add: { headers: ['X-User:$(headers.x_user or "anon")'], body: ["source:gateway"] },
    append: { querystring: ["tag:gh"] },
  };
  const gw = await gateway(t, doc(up.url, [{ name: "request-transformer", config: conf }]), [
    requestTransformer,
  ]);
  const r = await fetch(`${gw.url}/api/ignored?kind=orders&debug=1`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-secret": "s", "x-user": "ann" },
    body: JSON.stringify({ password: "p", item: 7 }),
  });
  assert.equal(r.status, 200);
  const seen = up.seen[0];
  assert.equal(seen?.method, "PUT");
  assert.equal(seen?.url, "/v2/orders?kind=orders&tag=gh");
  assert.equal(seen?.headers["x-secret"], undefined);
  assert.equal(seen?.headers["x-user"], "ann");
  assert.deepEqual(JSON.parse(String(seen?.body)), { item: 7, source: "gateway" });
  assert.equal(seen?.headers["content-length"], String(Buffer.byteLength(String(seen?.body))));
});
