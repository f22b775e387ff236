import assert from "node:assert/strict";
import { test } from "node:test";
import { configJsonSchema, exportCatalog, fieldTitle } from "@gatehouse/plugin-kit";
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
    "openid-connect": 1050,
    acl: 950,
    "error-pages": 1,
    mock: -1,
    "http-log": 12,
    "file-log": 9,
    "proxy-cache": 100,
    prometheus: 13,
    opentelemetry: 14,
    "request-validator": 999,
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

const CATEGORIES = [
  "authentication",
  "security",
  "traffic control",
  "transformation",
  "logging",
  "observability",
  "utilities",
];

test("exportCatalog: every built-in has complete marketplace metadata", () => {
  const catalog = exportCatalog(builtinPlugins);
  assert.equal(catalog.length, builtinPlugins.length);
  for (const e of catalog) {
    const m = e.meta;
    assert.ok(m.title && m.title !== e.name, `${e.name}: title`);
    assert.ok(m.category && CATEGORIES.includes(m.category), `${e.name}: category`);
    assert.ok(m.summary.length > 10, `${e.name}: summary`);
    assert.match(m.icon ?? "", /^[a-z][a-z0-9-]*$/, `${e.name}: icon`);
    assert.ok(m.scopes.length > 0, `${e.name}: scopes`);
    assert.ok(e.phases.length > 0, `${e.name}: phases`);
    assert.match(m.readme, /^# /, `${e.name}: README`);
    assert.match(m.readme, /^## Configuration$/m, `${e.name}: README has a Configuration section`);
    assert.equal(e.config_schema.type, "object", `${e.name}: config_schema`);
    assert.match(e.version, /^\d+\.\d+\.\d+/, `${e.name}: version`);
  }
});

type Node = {
  title?: string;
  description?: string;
  properties?: Record<string, Node>;
  items?: Node;
  anyOf?: Node[];
};

/** Every field of a schema (nested objects, array items, nullable branches), as `a.b[].c`. */
function fields(node: Node, prefix: string, out: [string, Node][] = []): [string, Node][] {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    out.push([path, child]);
    for (const branch of [child, ...(child.anyOf ?? [])]) {
      fields(branch, path, out);
      if (branch.items) fields(branch.items, `${path}[]`, out);
    }
  }
  return out;
}

test("every config field of every built-in, nested ones included, has a title and a description (the admin form's label and help text)", () => {
  const missing: string[] = [];
  for (const e of exportCatalog(builtinPlugins)) {
    for (const [path, schema] of fields(e.config_schema as Node, "")) {
      if (!schema.description) missing.push(`${e.name}.${path}: description`);
      if (!schema.title) missing.push(`${e.name}.${path}: title`);
    }
  }
  assert.deepEqual(missing, []);
});

test("field titles are Kong Manager style labels from the field names", () => {
  const rl = builtinPlugins.find((p) => p.name === "rate-limiting");
  const schema = configJsonSchema(rl!) as Node;
  assert.equal(schema.properties?.error_code?.title, "Error code");
  assert.equal(schema.properties?.redis?.properties?.ssl_verify?.title, "SSL verify");
  assert.equal(fieldTitle("http_endpoint"), "HTTP endpoint");
  assert.equal(fieldTitle("uri_param_names"), "URI param names");
});
