// Kong's log serializer carries `request.id` (the request's id) and, when correlation-id ran,
// `correlation_id` (kong.log.set_serialize_value): http-log and file-log entries can be joined
// with what the upstream saw.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { builtinCatalog } from "@gatehouse/plugins";
import { collector, tempDir, waitForLines } from "@gatehouse/plugins/testing";
import { gateway } from "../helpers.js";
import { doc, echoUpstream } from "./helpers.js";

const HEX32 = /^[0-9a-f]{32}$/;

test("http-log and file-log entries carry correlation_id (correlation-id ran) and request.id", async (t) => {
  const up = await echoUpstream(t);
  const c = await collector(t);
  const dir = await tempDir(t);
  const file = join(dir, "access.log");
  const gw = await gateway(
    t,
    doc(up.url, [
      { name: "correlation-id", config: { header_name: "X-Correlation-ID", generator: "uuid" } },
      { name: "http-log", config: { http_endpoint: c.url } },
      { name: "file-log", config: { path: file } },
    ]),
    { plugins: builtinCatalog, fileLogDirs: [dir] },
  );
  const requests: Record<string, string>[] = [{}, { "x-correlation-id": "from-client" }];
  for (const headers of requests) {
    const r = await fetch(`${gw.url}/api`, { headers });
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  }
  await c.waitFor(2);
  const lines = await waitForLines(file, 2);
  const sent = up.seen.map((s) => s.headers["x-correlation-id"]);
  assert.equal(sent[1], "from-client");
  for (const [i, entry] of [c.received[0]?.body, c.received[1]?.body].entries()) {
    const e = entry as { correlation_id: string; request: { id: string } };
    assert.equal(e.correlation_id, sent[i]);
    assert.match(e.request.id, HEX32);
    const line = lines[i] as { correlation_id: string; request: { id: string } };
    assert.equal(line.correlation_id, sent[i]);
    assert.equal(
      line.request.id,
      e.request.id,
      "one id per request, the same for every log plugin",
    );
  }
  const [a, b] = c.received.map((x) => (x.body as { request: { id: string } }).request.id);
  assert.notEqual(a, b);
});

test("without correlation-id the entry has request.id and no correlation_id", async (t) => {
  const up = await echoUpstream(t);
  const c = await collector(t);
  const gw = await gateway(
    t,
    doc(up.url, [{ name: "http-log", config: { http_endpoint: c.url } }]),
    {
      plugins: builtinCatalog,
    },
  );
  const r = await fetch(`${gw.url}/api`);
  await r.arrayBuffer();
  await c.waitFor(1);
  const e = c.received[0]?.body as Record<string, unknown>;
  assert.equal("correlation_id" in e, false);
  assert.match((e.request as { id: string }).id, HEX32);
});
