import assert from "node:assert/strict";
import { test } from "node:test";
import { spec, startGateway, startUpstream } from "./helpers/proxy-harness.js";

test("smooth weighted round-robin: weights 5,1,1 give a a b a c a a", async (t) => {
  const names = ["a", "b", "c"];
  const ups = await Promise.all(names.map((n) => startUpstream((_req, res) => res.end(n))));
  const weights = [5, 1, 1];
  const gw = await startGateway(
    spec(ups.map((u, i): [number, number] => [u.port, weights[i] as number])),
  );
  t.after(() => Promise.all([gw.close(), ...ups.map((u) => u.close())]));

  const seen: string[] = [];
  for (let i = 0; i < 14; i++) seen.push(await (await fetch(gw.url)).text());
  assert.equal(seen.slice(0, 7).join(" "), "a a b a c a a");
  assert.deepEqual(
    names.map((n) => seen.filter((s) => s === n).length),
    [10, 2, 2],
  );
});

test("equal weights alternate between targets", async (t) => {
  const ups = await Promise.all(["a", "b"].map((n) => startUpstream((_req, res) => res.end(n))));
  const gw = await startGateway(spec(ups.map((u) => u.port)));
  t.after(() => Promise.all([gw.close(), ...ups.map((u) => u.close())]));

  const seen: string[] = [];
  for (let i = 0; i < 4; i++) seen.push(await (await fetch(gw.url)).text());
  assert.equal(seen.join(""), "abab");
});
