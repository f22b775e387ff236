import assert from "node:assert/strict";
import { test } from "node:test";
import { correlationId, requestTermination } from "@gatehouse/plugins";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("correlation-id through a gateway: upstream and client see the same id, also on a plugin exit", async (t) => {
  const up = await echoUpstream(t);
  const conf = { header_name: "X-Request-ID", generator: "uuid", echo_downstream: true };
  const config = doc(up.url, [{ name: "correlation-id", config: conf }]);
  const gw = await gateway(t, config, [correlationId]);
  const r = await fetch(`${gw.url}/api`);
  const id = r.headers.get("x-request-id");
  assert.match(String(id), /^[0-9a-f-]{36}$/);
  assert.equal(up.seen[0]?.headers["x-request-id"], id);

  const closed = doc(up.url, [
    { name: "correlation-id", config: conf },
    { name: "request-termination", config: { status_code: 503 } },
  ]);
  const gw2 = await gateway(t, closed, [correlationId, requestTermination]);
  const exit = await fetch(`${gw2.url}/api`);
  assert.equal(exit.status, 503);
  assert.match(String(exit.headers.get("x-request-id")), /^[0-9a-f-]{36}$/);
});
