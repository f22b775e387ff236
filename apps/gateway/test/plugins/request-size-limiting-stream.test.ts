import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { requestSizeLimiting } from "@gatehouse/plugins";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("request-size-limiting through a gateway: a chunked body is refused with the plugin's 413 as soon as it passes the limit", async (t) => {
  const up = await echoUpstream(t);
  const conf = { allowed_payload_size: 1, size_unit: "kilobytes" };
  const gw = await gateway(t, doc(up.url, [{ name: "request-size-limiting", config: conf }]), [
    requestSizeLimiting,
  ]);
  // the body is never ended: only a refusal at the limit answers before the timeout
  const got = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(`${gw.url}/api`, { method: "POST" }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("no answer while the body was still being sent"));
    }, 3000);
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.write("x".repeat(1500));
  });
  assert.equal(got.status, 413);
  assert.deepEqual(JSON.parse(got.body), { message: "Request size limit exceeded" });
  assert.equal(up.seen.length, 0);
});
