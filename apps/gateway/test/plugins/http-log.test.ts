import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { httpLog, keyAuth, requestSizeLimiting } from "@gatehouse/plugins";
import { collector } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("http-log through a gateway: started_at within the request's wall-clock window, sizes as sent", async (t) => {
  const up = await echoUpstream(t);
  const c = await collector(t);
  const gw = await gateway(
    t,
    doc(up.url, [
      // reads the chunked body (no Content-Length): the gateway knows its size
      { name: "request-size-limiting", config: { allowed_payload_size: 1 } },
      { name: "http-log", config: { http_endpoint: c.url } },
    ]),
    [requestSizeLimiting, httpLog],
  );
  const before = Date.now();
  const got = await new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const req = request(`${gw.url}/api`, { method: "POST" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (d: Buffer) => chunks.push(d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.write("a".repeat(300));
    setTimeout(() => req.end("b".repeat(200)), 50);
  });
  const after = Date.now();
  assert.equal(got.status, 200);
  await c.waitFor(1);
  const e = c.received[0]?.body as {
    started_at: number;
    request: { size: number };
    response: { size: number };
  };
  assert.ok(
    e.started_at >= before && e.started_at <= after,
    `started_at ${e.started_at} not in [${before}, ${after}]`,
  );
  assert.equal(e.request.size, 500);
  assert.equal(e.response.size, got.body.length);
});

test("http-log through a gateway: key-auth key names are REDACTED in the entry's uri, url, querystring and headers", async (t) => {
  const up = await echoUpstream(t);
  const c = await collector(t);
  const gw = await gateway(
    t,
    {
      _format_version: "3.0",
      services: [
        {
          name: "s",
          url: up.url,
          routes: [
            {
              paths: ["/api"],
              plugins: [
                { name: "key-auth", config: { key_names: ["apikey", "x-api-key"] } },
                { name: "http-log", config: { http_endpoint: c.url } },
              ],
            },
          ],
        },
      ],
      consumers: [{ username: "alice", keyauth_credentials: [{ key: "alice-s3cret" }] }],
    },
    [keyAuth, httpLog],
  );
  const byQuery = await fetch(`${gw.url}/api/x?apikey=alice-s3cret&page=2`);
  assert.equal(byQuery.status, 200);
  const byHeader = await fetch(`${gw.url}/api/y`, { headers: { "X-Api-Key": "alice-s3cret" } });
  assert.equal(byHeader.status, 200);
  await c.waitFor(2);
  const entries = c.received.map(
    (r) =>
      r.body as {
        request: {
          uri: string;
          url: string;
          querystring: Record<string, string>;
          headers: Record<string, string>;
        };
      },
  );
  const q = entries.find((e) => e.request.uri.startsWith("/api/x"))?.request;
  assert.equal(q?.uri, "/api/x?apikey=REDACTED&page=2");
  assert.match(q?.url ?? "", /\/api\/x\?apikey=REDACTED&page=2$/);
  assert.deepEqual(q?.querystring, { apikey: "REDACTED", page: "2" });
  const h = entries.find((e) => e.request.uri === "/api/y")?.request;
  assert.equal(h?.headers["x-api-key"], "REDACTED");
  assert.ok(!JSON.stringify(c.received).includes("alice-s3cret"), "the key leaked into the log");
});
