import assert from "node:assert/strict";
import { test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { withAdminServer } from "./helpers/admin.js";
import { endpoints } from "./helpers/endpoints.js";

const { api } = withAdminServer();

test("openapi.json describes every route handler and method", async () => {
  const r = await api("GET", "/api/v1/openapi.json");
  assert.equal(r.status, 200);
  assert.equal(r.body.openapi, "3.1.0");
  const missing = endpoints()
    .map((e) => ({ method: e.method.toLowerCase(), path: e.route.replace(/\[(\w+)\]/g, "{$1}") }))
    .filter((e) => !r.body.paths[e.path]?.[e.method])
    .map((e) => `${e.method} ${e.path}`);
  assert.deepEqual(missing, []);
});

test("request schemas are the data plane's own (same limits and messages)", async () => {
  const { body } = await api("GET", "/api/v1/openapi.json");
  const service = body.components.schemas.ServiceInput;
  assert.equal(service.properties.port.maximum, 65535);
  assert.equal(service.additionalProperties, false);
  assert.ok(body.components.schemas["PluginConfig.request-termination"].properties.status_code);
  const post = body.paths["/api/v1/services"].post;
  assert.equal(
    post.requestBody.content["application/json"].schema.$ref,
    "#/components/schemas/ServiceInput",
  );
  assert.ok(
    post.responses["400"] &&
      post.responses["409"] &&
      post.responses["415"] &&
      post.responses["413"],
  );
});

test("the catalog lists every plugin with its JSON Schema", async () => {
  const r = await api("GET", "/api/v1/catalog");
  assert.equal(r.status, 200);
  const names = r.body.data.map((p: { name: string }) => p.name);
  for (const name of [
    "key-auth",
    "request-termination",
    "response-transformer",
    "ip-restriction",
  ]) {
    assert.ok(names.includes(name), name);
  }
  const rt = r.body.data.find((p: { name: string }) => p.name === "request-termination");
  assert.equal(rt.schema.type, "object");
  assert.equal(rt.available_on, null, "no data plane has registered yet");
});

test("every plugin in the catalog carries its README with a configuration section", async () => {
  const r = await api("GET", "/api/v1/catalog");
  assert.equal(r.status, 200);
  const missing = r.body.data
    .filter(
      (p: { readme?: unknown }) =>
        typeof p.readme !== "string" || !/^## Configuration$/m.test(p.readme),
    )
    .map((p: { name: string }) => p.name);
  assert.deepEqual(missing, []);
});

test("openapi.json is readable without signing in", async () => {
  const r = await api("GET", "/api/v1/openapi.json", { token: null });
  assert.equal(r.status, 200);
  assert.equal(r.body.openapi, "3.1.0");
});

test("openapi.json validates as OpenAPI 3.1: every operation has a unique operationId, every $ref resolves", async () => {
  const { body } = await api("GET", "/api/v1/openapi.json");
  const validator = new Validator();
  const result = await validator.validate(body);
  assert.deepEqual(
    result.errors ?? [],
    [],
    "the OpenAPI 3.1 schema validator refuses the document",
  );
  assert.equal(result.valid, true);
  const ids: string[] = [];
  const missing: string[] = [];
  for (const [path, item] of Object.entries(
    body.paths as Record<string, Record<string, { operationId?: string }>>,
  )) {
    for (const [method, op] of Object.entries(item)) {
      if (op.operationId) ids.push(op.operationId);
      else missing.push(`${method} ${path}`);
    }
  }
  assert.deepEqual(missing, []);
  assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
  // every $ref points at something in the document (PluginConfig.mock used to refer to "#")
  const unresolved: string[] = [];
  const resolve = (ref: string) =>
    ref
      .slice(2)
      .split("/")
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], body);
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}/${i}`));
    else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (
          k === "$ref" &&
          typeof v === "string" &&
          (!v.startsWith("#/") || resolve(v) === undefined)
        ) {
          unresolved.push(`${where}: ${v}`);
        } else walk(v, `${where}/${k}`);
      }
    }
  };
  walk(body, "");
  assert.deepEqual(unresolved, []);
});

test("an unknown /api/v1 path answers a JSON 404, never the console's HTML page", async () => {
  for (const [method, path] of [
    ["GET", "/api/v1/nope"],
    ["GET", "/api/v1/services/x/nope/y"],
    ["POST", "/api/v1/nope"],
    ["DELETE", "/api/v1/does/not/exist"],
  ] as const) {
    const r = await api(method, path, method === "POST" ? { body: {} } : {});
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/, `${method} ${path}`);
    assert.equal(r.body.code, "not_found");
    assert.equal(r.body.message, `no such endpoint: ${method} ${path}`);
  }
  // also without credentials (an unknown path is unknown to everyone)
  const anonymous = await api("GET", "/api/v1/nope", { token: null });
  assert.equal(anonymous.status, 404);
  assert.equal(anonymous.body.code, "not_found");
});
