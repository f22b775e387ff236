import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { requestSizeLimiting } from "@gatehouse/plugins";
import { doc, echoUpstream, gateway } from "./helpers.js";

/** POSTs `chunks` (chunked when no length is given) and returns status + body. */
function send(url: string, chunks: string[], headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${url}/api`, { method: "POST", headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test("request-size-limiting through a gateway: Content-Length and chunked bodies", async (t) => {
  const up = await echoUpstream(t);
  const conf = { allowed_payload_size: 1, size_unit: "kilobytes" };
  const gw = await gateway(t, doc(up.url, [{ name: "request-size-limiting", config: conf }]), [
    requestSizeLimiting,
  ]);
  const big = "x".repeat(1025);
  const withLength = await send(gw.url, [big], { "content-length": "1025" });
  assert.equal(withLength.status, 413);
  assert.deepEqual(JSON.parse(withLength.body), { message: "Request size limit exceeded" });
  const streamed = await send(gw.url, ["x".repeat(600), "x".repeat(600)]);
  assert.equal(streamed.status, 413);
  const small = await send(gw.url, ["a".repeat(500), "b".repeat(524)]);
  assert.equal(small.status, 200);
  assert.equal(up.seen.length, 1);
  assert.equal(up.seen[0]?.body, "a".repeat(500) + "b".repeat(524));
});
