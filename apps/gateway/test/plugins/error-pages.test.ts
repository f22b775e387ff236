import assert from "node:assert/strict";
import { test } from "node:test";
import { errorPages, keyAuth } from "@gatehouse/plugins";
import { freePort } from "@gatehouse/plugins/testing";
import { doc, echoUpstream, gateway } from "./helpers.js";

test("error-pages through a gateway: a refused upstream → problem+json when Accept asks", async (t) => {
  const dead = `http://127.0.0.1:${await freePort()}`;
  const config = doc(dead, [
    { name: "error-pages", config: { problem_type: "https://e.example/up" } },
  ]);
  const gw = await gateway(t, config, [errorPages]);
  const r = await fetch(`${gw.url}/api/orders`, {
    headers: { accept: "application/problem+json", "x-request-id": "req-7" },
  });
  assert.equal(r.status, 502);
  assert.equal(r.headers.get("content-type"), "application/problem+json; charset=utf-8");
  assert.deepEqual(await r.json(), {
    type: "https://e.example/up",
    title: "An invalid response was received from the upstream server",
    status: 502,
    detail: "An invalid response was received from the upstream server",
    instance: "/api/orders",
    request_id: "req-7",
  });
  const html = await fetch(`${gw.url}/api/orders`, { headers: { accept: "text/html" } });
  assert.equal(html.headers.get("content-type"), "text/html; charset=utf-8");
  assert.match(await html.text(), /<h1>502 /);
});

test("error-pages through a gateway: key-auth's 401 as XML, WWW-Authenticate kept", async (t) => {
  const up = await echoUpstream(t);
  const config = doc(up.url, [
    { name: "key-auth", config: {} },
    { name: "error-pages", config: {} },
  ]);
  const gw = await gateway(t, config, [keyAuth, errorPages]);
  const r = await fetch(`${gw.url}/api`, { headers: { accept: "application/xml" } });
  assert.equal(r.status, 401);
  assert.ok(r.headers.get("www-authenticate"));
  assert.match(await r.text(), /<message>No API key found in request<\/message>/);
  assert.equal(up.seen.length, 0);
});
