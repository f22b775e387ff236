import assert from "node:assert/strict";
import { test } from "node:test";
import { configJsonSchema } from "@gatehouse/plugin-kit";
import { builtinCatalog, builtinPlugins } from "../src/index.js";

test("built-in priorities are unique and Kong's", () => {
  const prios = builtinPlugins.map((p) => p.priority);
  assert.equal(new Set(prios).size, prios.length);
  assert.deepEqual(Object.fromEntries(builtinPlugins.map((p) => [p.name, p.priority])), {
    "key-auth": 1250,
    "ip-restriction": 990,
    "rate-limiting": 910,
    "correlation-id": 100001,
    "request-transformer": 801,
    "request-size-limiting": 951,
    "response-transformer": 800,
    "request-termination": 2,
    "bot-detection": 2500,
    cors: 2000,
    jwt: 1450,
    "basic-auth": 1100,
    acl: 950,
  });
  assert.equal(builtinCatalog.size, builtinPlugins.length);
});

test("every built-in has a README and a JSON Schema for the admin form", () => {
  for (const p of builtinPlugins) {
    assert.match(p.meta.readme ?? "", /^# /, `${p.name} README`);
    const schema = configJsonSchema(p);
    assert.equal(schema.type, "object", p.name);
  }
});
