import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import {
  catalogOf,
  compileChains,
  definePlugin,
  disposePlugins,
  retainPluginResources,
} from "../src/index.js";
import type { KitLogger } from "../src/index.js";
import { runPlugin } from "../src/testing.js";

function pool() {
  const calls: unknown[][] = [];
  let disposed = 0;
  const def = definePlugin({
    name: "pooled",
    version: "1.0.0",
    priority: 10,
    configSchema: z.object({ host: z.string().default("a") }),
    phases: { access: () => {} },
    retain: (configs) => {
      calls.push(configs.map((c) => c.host));
    },
    dispose: () => {
      disposed++;
    },
  });
  return { def, calls, disposed: () => disposed };
}

test("retainPluginResources gives each plugin its enabled configs of the new snapshot", async () => {
  const p = pool();
  const other = definePlugin({
    name: "other",
    version: "1.0.0",
    priority: 11,
    configSchema: z.object({}),
    phases: { access: () => {} },
  });
  const catalog = catalogOf([p.def, other]);
  const chains = compileChains(
    [
      { name: "pooled", config: { host: "x" }, route: "r1" },
      { name: "pooled", config: {}, route: "r2" },
      { name: "pooled", config: { host: "off" }, route: "r3", enabled: false },
      { name: "other", config: {} },
    ],
    catalog,
  );
  await retainPluginResources(catalog, chains);
  assert.deepEqual(p.calls, [["x", "a"]]);
  await retainPluginResources(catalog, compileChains([], catalog));
  assert.deepEqual(p.calls[1], []);
});

test("disposePlugins calls dispose once per plugin and logs failures instead of throwing", async () => {
  const p = pool();
  const broken = definePlugin({
    name: "broken",
    version: "1.0.0",
    priority: 12,
    configSchema: z.object({}),
    phases: { access: () => {} },
    dispose: () => Promise.reject(new Error("boom")),
  });
  const logged: unknown[] = [];
  const log = { error: (o: unknown, m?: string) => logged.push([o, m]) } as unknown as KitLogger;
  await disposePlugins(catalogOf([p.def, broken]), log);
  assert.equal(p.disposed(), 1);
  assert.equal(logged.length, 1);
  assert.equal((logged[0] as unknown[])[1], 'plugin "broken": dispose failed');
});

test("kit.instanceId is the running plugin instance's id (undefined without one)", async () => {
  const seen: unknown[] = [];
  const def = definePlugin({
    name: "who",
    version: "1.0.0",
    priority: 1,
    configSchema: z.object({}),
    phases: { access: (kit) => void seen.push(kit.instanceId) },
  });
  await runPlugin(def, {}, { instanceId: "p-1" });
  await runPlugin(def, {});
  assert.deepEqual(seen, ["p-1", undefined]);
});
