import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, echoUpstream, gateway, rawRequest as raw, send } from "./helpers.js";

test("headers larger than the limit: 431 and the connection closed", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/"] }] }]), {
    limits: { maxHeaderSize: 2048 },
  });
  const out = await raw(gw.url, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(4096)}\r\n\r\n`);
  assert.match(out, /^HTTP\/1\.1 431 /);
});

test("a body over the route's max_body_size: 413 (Content-Length and chunked)", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "e", url: up, routes: [{ paths: ["/up"], max_body_size: 10 }] }]),
  );
  assert.equal((await send(`${gw.url}/up`, { method: "POST", body: "small" })).status, 200);
  assert.equal((await send(`${gw.url}/up`, { method: "POST", body: "x".repeat(11) })).status, 413);
  const chunked = await raw(
    gw.url,
    `POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n`,
  );
  assert.match(chunked, /^HTTP\/1\.1 413 /);
});

test("a client too slow to send its headers: 408", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/"] }] }]), {
    limits: { headersTimeout: 300, requestTimeout: 300 },
  });
  const out = await raw(gw.url, `GET / HTTP/1.1\r\nHost: x\r\n`);
  assert.match(out, /^HTTP\/1\.1 408 /);
});
