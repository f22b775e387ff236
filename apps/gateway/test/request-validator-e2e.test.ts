import assert from "node:assert/strict";
import { test } from "node:test";
import { startGateway } from "../src/testing.js";
import { doc, gateway, send, upstream } from "./helpers.js";

const BODY_SCHEMA = JSON.stringify({
  type: "object",
  properties: { name: { type: "string" }, qty: { type: "integer", minimum: 1 } },
  required: ["name"],
});

test("request-validator through a real gateway: Kong's 400s, the upstream only sees valid requests", async (t) => {
  const seen: string[] = [];
  const up = await upstream(t, (req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      seen.push(body);
      res.end("ok");
    });
  });
  const plugin = (verbose: boolean) => ({
    name: "request-validator",
    config: {
      version: "draft4",
      body_schema: BODY_SCHEMA,
      verbose_response: verbose,
      parameter_schema: [
        {
          in: "query",
          name: "dry_run",
          required: false,
          style: "form",
          explode: false,
          schema: '{"type":"boolean"}',
        },
      ],
    },
  });
  const gw = await gateway(
    t,
    doc([
      {
        name: "orders",
        url: up,
        routes: [
          { name: "terse", paths: ["/orders"], plugins: [plugin(false)] },
          { name: "verbose", paths: ["/v/orders"], plugins: [plugin(true)] },
        ],
      },
    ]),
  );
  const post = (path: string, body: string, ct = "application/json") =>
    send(`${gw.url}${path}`, { method: "POST", headers: { "content-type": ct }, body });

  const ok = await post("/orders?dry_run=true", JSON.stringify({ name: "pen", qty: 2 }));
  assert.equal(ok.status, 200);
  assert.equal(seen.length, 1);
  assert.deepEqual(JSON.parse(seen[0] as string), { name: "pen", qty: 2 }); // forwarded unchanged

  const bad = await post("/orders", JSON.stringify({ qty: 0 }));
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: "request body doesn't conform to schema" });
  const verbose = await post("/v/orders", JSON.stringify({ qty: 0 }));
  assert.deepEqual(verbose.json(), { message: "body/name is required; body/qty must be >= 1" });

  const ct = await post("/orders", "name=pen", "application/x-www-form-urlencoded");
  assert.equal(ct.status, 400);
  assert.deepEqual(ct.json(), { message: "specified Content-Type is not allowed" });

  const param = await post("/orders?dry_run=maybe", JSON.stringify({ name: "pen" }));
  assert.equal(param.status, 400);
  assert.deepEqual(param.json(), { message: "request param doesn't conform to schema" });
  assert.equal(seen.length, 1);
});

test("request-validator version draft2020-12: JSON Schema 2020-12 bodies ($defs, prefixItems) validated through a real gateway", async (t) => {
  let calls = 0;
  const up = await upstream(t, (req, res) => {
    calls++;
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  const schema = JSON.stringify({
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    $defs: { sku: { type: "string", pattern: "^[A-Z]{3}-\\d+$" } },
    properties: { items: { type: "array", prefixItems: [{ $ref: "#/$defs/sku" }] } },
    required: ["items"],
  });
  const gw = await gateway(
    t,
    doc([
      {
        name: "orders",
        url: up,
        routes: [
          {
            paths: ["/orders"],
            plugins: [
              {
                name: "request-validator",
                config: { version: "draft2020-12", body_schema: schema, verbose_response: true },
              },
            ],
          },
        ],
      },
    ]),
  );
  const post = (body: unknown) =>
    send(`${gw.url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  assert.equal((await post({ items: ["ABC-1", 2] })).status, 200);
  const bad = await post({ items: ["abc"] });
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.json(), { message: 'body/items/0 must match pattern "^[A-Z]{3}-\\d+$"' });
  assert.equal(calls, 1);
});

test("request-validator: a data plane refuses version kong (Lua-format body_schema), naming the field", async () => {
  await assert.rejects(
    startGateway(
      doc([
        {
          name: "s",
          url: "http://127.0.0.1:9",
          routes: [
            {
              paths: ["/"],
              plugins: [
                {
                  name: "request-validator",
                  config: { body_schema: '[{"name":{"type":"string"}}]' },
                },
              ],
            },
          ],
        },
      ]),
    ),
    /config\.version: version "kong" \(Kong's Lua-format body_schema\) is not supported/,
  );
});
