import assert from "node:assert/strict";
import { test } from "node:test";
import { control, gateway } from "./helpers.js";

test("every control call needs the cluster token (401 without, 401 with a wrong one)", async (t) => {
  const gw = await gateway(t, { _format_version: "3.0" });
  for (const [method, path] of [
    ["GET", "/v1/status"],
    ["GET", "/v1/ready"],
    ["GET", "/metrics"],
    ["PUT", "/v1/config"],
  ] as const) {
    const none = await control(
      gw,
      method,
      path,
      method === "PUT" ? { version: 5, config: {} } : undefined,
      null,
    );
    assert.equal(none.status, 401, `${method} ${path} without token`);
    assert.equal(none.headers["www-authenticate"], 'Bearer realm="gatehouse-control"');
    const wrong = await control(gw, method, path, undefined, "not-the-token");
    assert.equal(wrong.status, 401, `${method} ${path} with a wrong token`);
  }
  assert.equal((await control(gw, "GET", "/v1/status")).status, 200);
});

test("the control endpoint is not served on the proxy port", async (t) => {
  const gw = await gateway(t, { _format_version: "3.0" });
  const { send } = await import("./helpers.js");
  const r = await send(`${gw.url}/v1/status`, { headers: { authorization: `Bearer ${gw.token}` } });
  assert.equal(r.status, 404);
});
