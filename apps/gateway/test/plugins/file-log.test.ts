import assert from "node:assert/strict";
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { jsonLines, tempDir, uri, waitForLines } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, fileLogGateway as gateway } from "./helpers.js";

test("file-log through a gateway: one JSON line per request with route, status, client_ip, latencies", async (t) => {
  const up = await echoUpstream(t);
  const dir = await tempDir(t);
  const file = join(dir, "access.log");
  const gw = await gateway(t, doc(up.url, [{ name: "file-log", config: { path: file } }]), [dir]);
  const r = await fetch(`${gw.url}/api/orders?page=2`, {
    headers: { authorization: "Basic eA==" },
  });
  assert.equal(r.status, 200);
  await r.arrayBuffer();
  const missing = await fetch(`${gw.url}/api/missing`, { method: "DELETE" });
  await missing.arrayBuffer();
  const [a, b] = await waitForLines(file, 2);
  const req = a?.request as { method: string; uri: string; headers: Record<string, string> };
  assert.equal(req.method, "GET");
  assert.equal(req.uri, "/api/orders?page=2");
  assert.equal(req.headers.authorization, "REDACTED");
  assert.equal((a?.response as { status: number }).status, 200);
  assert.equal((a?.route as { name: string }).name, "r");
  assert.deepEqual((a?.route as { paths: string[] }).paths, ["/api"]);
  assert.equal((a?.service as { name: string }).name, "svc");
  assert.equal(a?.client_ip, "127.0.0.1");
  const lat = a?.latencies as { request: number; proxy: number; kong: number };
  assert.ok(lat.proxy >= 0 && lat.request >= lat.proxy && lat.kong >= 0, JSON.stringify(lat));
  assert.equal(a?.source, "service");
  assert.equal((b?.request as { method: string }).method, "DELETE");
  assert.equal(uri(b ?? {}), "/api/missing");
});

test("rotation through a gateway: with reopen, a renamed file is recreated by the next request", async (t) => {
  const up = await echoUpstream(t);
  const dir = await tempDir(t);
  const file = join(dir, "access.log");
  const gw = await gateway(
    t,
    doc(up.url, [{ name: "file-log", config: { path: file, reopen: true } }]),
    [dir],
  );
  await (await fetch(`${gw.url}/api/one`)).arrayBuffer();
  await waitForLines(file, 1);
  await rename(file, join(dir, "access.log.1"));
  await (await fetch(`${gw.url}/api/two`)).arrayBuffer();
  assert.deepEqual((await waitForLines(file, 1)).map(uri), ["/api/two"]);
  assert.deepEqual((await jsonLines(join(dir, "access.log.1"))).map(uri), ["/api/one"]);
});

test("missing directory through a gateway: the request succeeds and the gateway logs a clear error", async (t) => {
  const up = await echoUpstream(t);
  const allowed = await tempDir(t);
  const dir = join(allowed, "no-such-dir");
  const file = join(dir, "access.log");
  const gw = await gateway(t, doc(up.url, [{ name: "file-log", config: { path: file } }]), [
    allowed,
  ]);
  const r = await fetch(`${gw.url}/api/x`);
  assert.equal(r.status, 200);
  assert.equal(((await r.json()) as { url: string }).url, "/x");
  const want = `file-log: cannot write to ${file}: directory ${dir} does not exist (ENOENT); dropped 1 entries`;
  const deadline = Date.now() + 5000;
  while (!gw.records.some((l) => l.msg === want) && Date.now() < deadline)
    await new Promise((res) => setTimeout(res, 10));
  assert.deepEqual(
    gw.records.filter((l) => l.level >= 50).map((l) => l.msg),
    [want],
  );
});
