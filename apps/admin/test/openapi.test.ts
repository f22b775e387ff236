import assert from "node:assert/strict";
import { test } from "node:test";
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
