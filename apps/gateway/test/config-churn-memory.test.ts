import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { control, doc, gateway, send, upstream } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** true once nothing holds `ref`'s target any more (after a few full collections) */
async function collected(ref: WeakRef<object>): Promise<boolean> {
  for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
    await tick(); // a WeakRef target stays alive until the job that read it ends
    gc();
  }
  return ref.deref() === undefined;
}

test("config churn: a replaced config (router, chains, upstream pool) is freed, not kept by the next one", async (t) => {
  const up = await upstream(t, (_req, res) => res.end("ok"));
  const config = (i: number) =>
    doc([
      {
        name: "s",
        url: up,
        routes: Array.from({ length: 50 }, (_, r) => ({
          name: `r${r}`,
          paths: [`/r${r}`],
          tags: [`v${i}`],
        })),
      },
    ]);
  const gw = await gateway(t, config(0));
  assert.equal((await send(`${gw.url}/r1/x`)).status, 200);
  // no strong reference of ours may survive this block
  const [firstSnapshot, firstPool] = (() => {
    const first = gw.gateway.state.current;
    assert.ok(first !== null);
    return [new WeakRef(first), new WeakRef(first.pool)];
  })();
  for (let v = 1; v <= 5; v++) {
    const r = await control(gw, "PUT", "/v1/config", { version: v, config: config(v) });
    assert.equal(r.status, 200, r.text);
    assert.equal((await send(`${gw.url}/r${v}/x`)).status, 200);
  }
  assert.equal(await collected(firstSnapshot), true, "the first config is still referenced");
  assert.equal(await collected(firstPool), true, "the first upstream pool is still referenced");
});
