import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import type { FakeRequest } from "@gatehouse/plugin-kit/testing";
import { requestValidator } from "../index.js";
import { pathValue, queryValue } from "./params.js";
import { ERR_KONG_VERSION, ERR_ONE_OF } from "./schema.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(requestValidator, raw);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
};

const BODY = JSON.stringify({
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer" } },
  required: ["name"],
});
const json = (body: unknown, ct = "application/json"): FakeRequest => ({
  method: "POST",
  headers: { "content-type": ct },
  body: JSON.stringify(body),
});
const run = (conf: Record<string, unknown>, request: FakeRequest) =>
  runPlugin(requestValidator, conf, { request });

test("configs: Kong's at-least-one rule, version kong refused naming the field, schemas compiled", () => {
  assert.deepEqual(errors({}), [`config: ${ERR_ONE_OF}`]);
  assert.deepEqual(errors({ body_schema: BODY }), [`config.version: ${ERR_KONG_VERSION}`]);
  assert.deepEqual(errors({ body_schema: BODY, version: "draft4" }), []);
  assert.match(
    errors({ body_schema: "{nope", version: "draft4" })[0] ?? "",
    /^config\.body_schema: not valid JSON/,
  );
  assert.match(
    errors({ body_schema: '{"type": 5}', version: "draft4" })[0] ?? "",
    /^config\.body_schema: not a valid draft 4 JSON Schema/,
  );
  assert.deepEqual(errors({ parameter_schema: [{ in: "path", name: "id", required: true }] }), []);
  assert.deepEqual(
    errors({ parameter_schema: [{ in: "query", name: "a", required: true, style: "form" }] }),
    ["config.parameter_schema[0]: style, explode and schema must be set together"],
  );
});

test("version draft2020-12: 2020-12 keywords (prefixItems, $defs, dependentRequired) validate; draft 4 rules do not apply", async () => {
  const schema = JSON.stringify({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    $defs: { pos: { type: "integer", exclusiveMinimum: 0 } },
    properties: {
      point: { type: "array", prefixItems: [{ $ref: "#/$defs/pos" }, { type: "string" }] },
      card: { type: "string" },
    },
    dependentRequired: { card: ["billing"] },
  });
  const conf = { body_schema: schema, version: "draft2020-12", verbose_response: true };
  assert.deepEqual(errors(conf), []);
  assert.equal((await run(conf, json({ point: [1, "a"] }))).response.status, 200);
  const bad = await run(conf, json({ point: [0, 5], card: "x" }));
  assert.equal(bad.response.status, 400);
  assert.deepEqual(bad.response.json(), {
    message:
      "body/point/0 must be > 0; body/point/1 must be string; body must have property billing when property card is present",
  });
  // draft 4 refuses a schema declaring 2020-12, and does not know prefixItems: without $schema the body passes
  assert.match(
    errors({ ...conf, version: "draft4" })[0] ?? "",
    /^config\.body_schema: not a valid draft 4 JSON Schema: no schema with key or ref/,
  );
  const plain = JSON.stringify({ ...JSON.parse(schema), $schema: undefined });
  const asDraft4 = { ...conf, body_schema: plain, version: "draft4" };
  assert.equal((await run(asDraft4, json({ point: [0, 5] }))).response.status, 200);
  // a schema valid in draft 4 only (boolean exclusiveMinimum) is refused in 2020-12, naming the field
  const d4 = JSON.stringify({ type: "integer", minimum: 0, exclusiveMinimum: true });
  assert.match(
    errors({ body_schema: d4, version: "draft2020-12" })[0] ?? "",
    /^config\.body_schema: not a valid draft 2020-12 JSON Schema/,
  );
  assert.match(
    errors({
      version: "draft2020-12",
      parameter_schema: [
        { in: "query", name: "a", required: true, style: "form", explode: false, schema: d4 },
      ],
    })[0] ?? "",
    /^config\.parameter_schema\[0\]\.schema: not a valid draft 2020-12 JSON Schema/,
  );
  assert.deepEqual(errors({ body_schema: d4, version: "draft4" }), []);
  assert.match(
    errors({ body_schema: d4, version: "draft7" })[0] ?? "",
    /^config\.version: expected one of: kong, draft4, draft2020-12/,
  );
});

test("body: a conforming body passes; otherwise 400 with Kong's message, or the failing paths when verbose", async () => {
  const conf = { body_schema: BODY, version: "draft4" };
  assert.equal((await run(conf, json({ name: "a" }))).response.status, 200);
  const bad = await run(conf, json({ age: "x" }));
  assert.equal(bad.response.status, 400);
  assert.deepEqual(bad.response.json(), { message: "request body doesn't conform to schema" });
  const verbose = await run({ ...conf, verbose_response: true }, json({ age: "x" }));
  assert.deepEqual(verbose.response.json(), {
    message: "body/name is required; body/age must be integer",
  });
  const notJson = await run(conf, { ...json({}), body: "{" });
  assert.deepEqual(notJson.response.json(), { message: "request body doesn't conform to schema" });
});

test("Content-Type: not allowed → 400 'specified Content-Type is not allowed'; charset compared unless turned off", async () => {
  const conf = { body_schema: BODY, version: "draft4" };
  const xml = await run(conf, json({ name: "a" }, "text/xml"));
  assert.equal(xml.response.status, 400);
  assert.deepEqual(xml.response.json(), { message: "specified Content-Type is not allowed" });
  const cs = json({ name: "a" }, "application/json; charset=utf-8");
  assert.equal((await run(conf, cs)).response.status, 400);
  assert.equal(
    (await run({ ...conf, content_type_parameter_validation: false }, cs)).response.status,
    200,
  );
  const withCs = { ...conf, allowed_content_types: ["application/json; charset=UTF-8"] };
  assert.equal((await run(withCs, cs)).response.status, 200);
  // another allowed type is not body-validated
  const form = { ...conf, allowed_content_types: ["application/json", "text/plain"] };
  assert.equal(
    (await run(form, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }))
      .response.status,
    200,
  );
});

test("parameters: required, typed by the schema, deserialized by style", async () => {
  const conf = {
    verbose_response: true,
    parameter_schema: [
      {
        in: "query",
        name: "page",
        required: true,
        style: "form",
        explode: false,
        schema: '{"type":"integer","minimum":1}',
      },
      {
        in: "header",
        name: "X-Tags",
        required: false,
        style: "simple",
        explode: false,
        schema: '{"type":"array","items":{"type":"string","enum":["a","b"]}}',
      },
    ],
  };
  assert.equal((await run(conf, { query: "page=2" })).response.status, 200);
  const missing = await run(conf, {});
  assert.deepEqual(missing.response.json(), { message: "query 'page' is required" });
  const zero = await run(conf, { query: "page=0" });
  assert.deepEqual(zero.response.json(), {
    message: "query 'page' validation failed: value must be >= 1",
  });
  const tags = await run(conf, { query: "page=1", headers: { "x-tags": "a,c" } });
  assert.equal(tags.response.status, 400);
  assert.match(
    String((tags.response.json() as { message: string }).message),
    /^header 'X-Tags' validation failed: value\/1 must be equal to one of the allowed values/,
  );
  const generic = await run({ ...conf, verbose_response: false }, {});
  assert.deepEqual(generic.response.json(), { message: "request param doesn't conform to schema" });
});

test("path parameters: the route's named regex groups (uri_captures.named), typed and validated", async () => {
  const conf = {
    verbose_response: true,
    parameter_schema: [
      {
        in: "path",
        name: "id",
        required: true,
        style: "simple",
        explode: false,
        schema: '{"type":"integer","minimum":1}',
      },
    ],
  };
  const at = (id: string | false | undefined): FakeRequest => ({
    path: `/users/${String(id)}`,
    uriCaptures: id === undefined ? { named: {}, unnamed: [] } : { named: { id }, unnamed: [id] },
  });
  assert.equal((await run(conf, at("7"))).response.status, 200);
  assert.deepEqual((await run(conf, at("0"))).response.json(), {
    message: "path 'id' validation failed: value must be >= 1",
  });
  assert.deepEqual((await run(conf, at("x"))).response.json(), {
    message: "path 'id' validation failed: value must be integer",
  });
  assert.deepEqual((await run(conf, at(undefined))).response.json(), {
    message: "path 'id' is required",
  });
  assert.deepEqual((await run(conf, at(false))).response.json(), {
    message: "path 'id' is required",
  });
});

test("path styles as OpenAPI 3: simple, label, matrix", () => {
  const spec = (style: "simple" | "label" | "matrix", explode: boolean, type = "array") => ({
    name: "c",
    type,
    style,
    explode,
  });
  assert.deepEqual(pathValue(spec("simple", false), "a,b"), ["a", "b"]);
  assert.deepEqual(pathValue(spec("label", false), ".a,b"), ["a", "b"]);
  assert.deepEqual(pathValue(spec("label", true), ".a.b"), ["a", "b"]);
  assert.deepEqual(pathValue(spec("matrix", false), ";c=a,b"), ["a", "b"]);
  assert.deepEqual(pathValue(spec("matrix", true), ";c=a;c=b"), ["a", "b"]);
  assert.deepEqual(pathValue(spec("simple", true, "object"), "x=1,y=2"), { x: "1", y: "2" });
  assert.equal(pathValue(spec("simple", false, "string"), "plain"), "plain");
  assert.equal(pathValue(spec("simple", false), false), undefined);
});

test("query styles as OpenAPI 3", () => {
  const spec = (
    style: "form" | "spaceDelimited" | "pipeDelimited" | "deepObject",
    type: string,
    explode: boolean,
  ) => ({ name: "a", style, type, explode });
  assert.deepEqual(queryValue(spec("form", "array", true), { a: ["1", "2"] }), ["1", "2"]);
  assert.deepEqual(queryValue(spec("form", "array", false), { a: "1,2" }), ["1", "2"]);
  assert.deepEqual(queryValue(spec("pipeDelimited", "array", false), { a: "1|2" }), ["1", "2"]);
  assert.deepEqual(queryValue(spec("spaceDelimited", "array", false), { a: "1 2" }), ["1", "2"]);
  assert.deepEqual(queryValue(spec("form", "object", false), { a: "x,1,y,2" }), { x: "1", y: "2" });
  assert.deepEqual(queryValue(spec("form", "object", true), { x: "1", y: "2" }), {
    x: "1",
    y: "2",
  });
  assert.deepEqual(queryValue(spec("deepObject", "object", true), { "a[x]": "1", b: "2" }), {
    x: "1",
  });
});
