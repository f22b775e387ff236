import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import type { PhaseTiming } from "../src/index.js";
import { catalogOf, definePlugin } from "../src/index.js";
import { runChain } from "../src/testing.js";

let seen: readonly PhaseTiming[] | undefined | null = null;
const worker = definePlugin({
  name: "worker",
  version: "1.0.0",
  priority: 20,
  configSchema: z.object({}),
  phases: {
    access: () => undefined,
    header_filter: async () => {
      await new Promise((r) => setTimeout(r, 5));
    },
  },
});
const tracer = (timed: boolean) =>
  definePlugin({
    name: "tracer",
    version: "1.0.0",
    priority: 10,
    configSchema: z.object({}),
    phases: { log: (kit) => void (seen = kit.phaseTimings && [...kit.phaseTimings]) },
    phaseTimings: timed,
  });
const upstream = { status: 200, headers: { "content-type": "text/plain" }, body: "ok" };
const specs = [
  { name: "worker", config: {} },
  { name: "tracer", config: {} },
];

test("phaseTimings: a chain with a plugin that asks for them times every plugin phase call (start, end, outcome)", async () => {
  seen = null;
  const before = performance.timeOrigin + performance.now();
  const r = await runChain(specs, catalogOf([worker, tracer(true)]), { upstream });
  assert.equal(r.response.status, 200);
  const got = seen as readonly PhaseTiming[] | undefined | null;
  assert.ok(got);
  assert.deepEqual(
    got.map((t) => `${t.phase}:${t.plugin}:${t.outcome}`),
    ["access:worker:ok", "header_filter:worker:ok"],
  );
  const hf = got[1] as PhaseTiming;
  assert.ok(hf.start >= before && hf.end >= hf.start + 4, "the async call's time is measured");
});

test("phaseTimings: without such a plugin nothing is timed (kit.phaseTimings undefined)", async () => {
  seen = null;
  await runChain(specs, catalogOf([worker, tracer(false)]), { upstream });
  assert.equal(seen, undefined);
});
