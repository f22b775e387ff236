import assert from "node:assert/strict";
import { test } from "node:test";
import { control, doc, gateway } from "./helpers.js";

test("status reports how long the stages of the last applied push took", async (t) => {
  const gw = await gateway(t, undefined);
  const config = doc([], { routes: [{ name: "r", paths: ["/x"] }] });
  assert.equal((await control(gw, "PUT", "/v1/config", { version: 3, config })).status, 200);
  const status = (await control(gw, "GET", "/v1/status")).json() as {
    version: number;
    last_apply_ms: Record<string, number>;
  };
  assert.equal(status.version, 3);
  const { validateMs, hashMs, compileMs, totalMs } = status.last_apply_ms;
  for (const v of [validateMs, hashMs, compileMs, totalMs])
    assert.ok(typeof v === "number" && v >= 0);
  assert.ok((totalMs as number) >= (validateMs as number) + (compileMs as number) - 0.2);
});
