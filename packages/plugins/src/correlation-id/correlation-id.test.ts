import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { correlationId } from "../index.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const errors = (raw: unknown) => {
  const r = validatePluginConfig(correlationId, raw);
  return r.ok ? [] : r.errors;
};
/** a header the upstream would receive (names as the plugin set them, compared case-insensitively) */
function sentHeader(r: Awaited<ReturnType<typeof runPlugin>>, name: string): unknown {
  const h = r.upstreamRequest?.headers ?? {};
  const key = Object.keys(h).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : h[key];
}
const upstreamId = async (conf: unknown, opts = {}) =>
  sentHeader(await runPlugin(correlationId, conf, opts), "kong-request-id");

test("default: uuid#counter in Kong-Request-ID to the upstream, one UUID per process, counter +1", async () => {
  const a = String(await upstreamId({}));
  const b = String(await upstreamId({}));
  const [ua, na] = a.split("#");
  const [ub, nb] = b.split("#");
  assert.match(String(ua), UUID);
  assert.equal(ua, ub);
  assert.equal(Number(nb), Number(na) + 1);
});

test("generator uuid: a fresh UUID per request", async () => {
  const a = String(await upstreamId({ generator: "uuid" }));
  const b = String(await upstreamId({ generator: "uuid" }));
  assert.match(a, UUID);
  assert.match(b, UUID);
  assert.notEqual(a, b);
});

test("generator tracker: address-port-pid-connection-requests-timestamp", async () => {
  const connection = { serverAddress: "10.1.2.3", serverPort: 8000, id: 7, requests: 2 };
  const id = String(await upstreamId({ generator: "tracker" }, { request: { connection } }));
  assert.match(id, new RegExp(`^10\\.1\\.2\\.3-8000-${process.pid}-7-2-\\d{10}\\.\\d{3}$`));
  const bare = String(await upstreamId({ generator: "tracker" }, { request: { port: 9000 } }));
  assert.match(bare, new RegExp(`^0\\.0\\.0\\.0-9000-${process.pid}-0-0-\\d{10}\\.\\d{3}$`));
});

test("a client-sent id is kept", async () => {
  const r = await runPlugin(
    correlationId,
    { echo_downstream: true },
    { request: { headers: { "kong-request-id": "from-client" } } },
  );
  assert.equal(sentHeader(r, "kong-request-id"), "from-client");
  assert.equal(r.response.header("kong-request-id"), "from-client");
});

test("header_name and echo_downstream (off by default)", async () => {
  const off = await runPlugin(correlationId, { header_name: "X-Request-ID", generator: "uuid" });
  const sent = sentHeader(off, "x-request-id");
  assert.match(String(sent), UUID);
  assert.equal(off.response.header("x-request-id"), undefined);
  const on = await runPlugin(correlationId, { header_name: "X-Request-ID", echo_downstream: true });
  assert.equal(on.response.header("x-request-id"), sentHeader(on, "x-request-id"));
});

test("defaults (Kong's)", () => {
  assert.deepEqual(validatePluginConfig(correlationId, {}), {
    ok: true,
    config: { header_name: "Kong-Request-ID", generator: "uuid#counter", echo_downstream: false },
  });
});

test("rejects a bad header name, an unknown generator, bad echo_downstream, unknown fields", () => {
  assert.deepEqual(
    errors({ header_name: "Bad:Name", generator: "ulid", echo_downstream: 1, x: 1 }),
    [
      { path: "config.header_name", message: "'Bad:Name' is not a valid header name" },
      { path: "config.generator", message: "expected one of: uuid, uuid#counter, tracker" },
      { path: "config.echo_downstream", message: "expected a boolean" },
      { path: "config.x", message: "unknown field" },
    ],
  );
});
