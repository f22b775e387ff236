import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { definePlugin, exportCatalog } from "../src/index.js";

const a = definePlugin({
  name: "a",
  version: "1.2.3",
  priority: 10,
  configSchema: z.object({ n: z.number().default(1).describe("a number") }),
  phases: { access: () => {}, log: () => {} },
  meta: {
    title: "A",
    category: "utilities",
    summary: "does a",
    readme: "# A",
    icon: "a",
    scopes: ["route"],
  },
});
const b = definePlugin({
  name: "b",
  version: "0.1.0",
  priority: 20,
  configSchema: z.object({}),
  phases: { header_filter: () => {} },
});

test("exportCatalog: metadata, phases, JSON Schema, highest priority first", () => {
  const cat = exportCatalog([a, b]);
  assert.deepEqual(
    cat.map((e) => e.name),
    ["b", "a"],
  );
  const ea = cat[1];
  assert.deepEqual(
    { ...ea, config_schema: undefined },
    {
      name: "a",
      version: "1.2.3",
      priority: 10,
      phases: ["access", "log"],
      meta: {
        title: "A",
        category: "utilities",
        summary: "does a",
        readme: "# A",
        icon: "a",
        scopes: ["route"],
      },
      config_schema: undefined,
    },
  );
  const props = ea?.config_schema.properties as Record<string, { description?: string }>;
  assert.equal(props.n?.description, "a number");
});

test("exportCatalog: missing meta becomes explicit empties; a Map is accepted", () => {
  const [eb] = exportCatalog(new Map([["b", b]]));
  assert.deepEqual(eb?.meta, {
    title: "b",
    category: null,
    summary: "",
    readme: "",
    icon: null,
    scopes: ["global", "service", "route", "consumer"],
  });
  assert.equal(JSON.stringify(eb).includes("function"), false);
});
