import assert from "node:assert/strict";
import { createServer, get } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { responseTransformer } from "@gatehouse/plugins";
import { doc, gateway } from "./helpers.js";

/**
 * An upstream that sends a JSON head and a first chunk, then holds the body open until `finish()`
 * (or for `holdMs` when given).
 */
async function slowUpstream(t: TestContext, holdMs?: number) {
  const open: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write('{"part":');
    if (holdMs === undefined) open.push(res);
    else setTimeout(() => res.end("1}"), holdMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const r of open) r.destroy();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    finish: () => {
      for (const r of open.splice(0)) r.end("1}");
    },
  };
}

function firstChunk(url: string): Promise<{ res: IncomingMessage; chunk: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      res.once("data", (c: Buffer) => resolve({ res, chunk: c.toString() }));
      res.once("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(3000, () => req.destroy(new Error("no head and first chunk within 3 s")));
  });
}

function rest(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    res.on("data", (c: Buffer) => (body += c.toString()));
    res.on("end", () => resolve(body));
    res.on("error", reject);
  });
}

test("response-transformer editing only headers streams the upstream body (the head and first chunk arrive before the upstream ends)", async (t) => {
  const up = await slowUpstream(t);
  const config = { add: { headers: ["x-added:1"] } };
  const gw = await gateway(t, doc(up.url, [{ name: "response-transformer", config }]), [
    responseTransformer,
  ]);
  const { res, chunk } = await firstChunk(`${gw.url}/api`);
  assert.equal(res.headers["x-added"], "1");
  assert.equal(chunk, '{"part":');
  const tail = rest(res);
  up.finish();
  assert.equal(await tail, "1}");
});

test("response-transformer with a json edit still rewrites the whole body", async (t) => {
  const up = await slowUpstream(t, 50);
  const config = { add: { headers: ["x-added:1"], json: ["extra:yes"] } };
  const gw = await gateway(t, doc(up.url, [{ name: "response-transformer", config }]), [
    responseTransformer,
  ]);
  const r = await fetch(`${gw.url}/api`);
  assert.equal(r.headers.get("x-added"), "1");
  assert.deepEqual(await r.json(), { part: 1, extra: "yes" });
});
