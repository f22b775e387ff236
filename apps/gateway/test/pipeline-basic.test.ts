import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

test("proxies a route to the echo upstream with strip_path and X-Forwarded-*", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "echo", url: `${up}/base`, routes: [{ name: "r", paths: ["/echo"] }] }]),
  );
  const r = await send(`${gw.url}/echo/hello?x=1`, { method: "POST", body: "payload" });
  assert.equal(r.status, 200);
  const body = r.json() as {
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
  };
  assert.equal(body.method, "POST");
  assert.equal(body.path, "/base/hello");
  assert.deepEqual(body.query, { x: "1" });
  assert.equal(body.body, "payload");
  assert.equal(body.headers["x-forwarded-for"], "127.0.0.1");
  assert.equal(body.headers["x-forwarded-proto"], "http");
});

test("no matching route is 404 with Kong's message", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "echo", url: up, routes: [{ paths: ["/echo"] }] }]));
  const r = await send(`${gw.url}/nope`);
  assert.equal(r.status, 404);
  assert.deepEqual(r.json(), { message: "no Route matched with those values" });
  const xml = await send(`${gw.url}/nope`, { headers: { accept: "application/xml" } });
  assert.match(xml.headers["content-type"] ?? "", /^application\/xml/);
  assert.match(xml.text, /<message>no Route matched with those values<\/message>/);
});

test("a route with no service and no plugin answering is 503 with a clear message", async (t) => {
  const gw = await gateway(t, doc([], { routes: [{ name: "lonely", paths: ["/x"] }] }));
  const r = await send(`${gw.url}/x`);
  assert.equal(r.status, 503);
  assert.match((r.json() as { message: string }).message, /route "lonely" has no service/);
});
