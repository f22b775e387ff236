import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import pino from "pino";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split("\n"))
        if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level }, stream) };
}

test("one structured access log line per request at info: route, status, latencies, source", async (t) => {
  const up = await echoUpstream(t);
  const { lines, logger } = capture("info");
  const gw = await gateway(
    t,
    doc([{ name: "e", url: up, routes: [{ name: "logged", paths: ["/l"] }] }]),
    { logger },
  );
  assert.equal((await send(`${gw.url}/l`)).status, 200);
  await new Promise((r) => setTimeout(r, 20));
  const access = lines.filter((l) => l.msg === "access");
  assert.equal(access.length, 1);
  const a = access[0] as Record<string, unknown>;
  assert.equal(a.route, "logged");
  assert.equal(a.status, 200);
  assert.equal(a.source, "service");
  assert.equal(typeof a.upstream_ms, "number");
  assert.equal(typeof a.total_ms, "number");
});

test("behind a trusted proxy the access log names the real client, and the proxy as its peer", async (t) => {
  const up = await echoUpstream(t);
  const { lines, logger } = capture("info");
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/l"] }] }]), {
    logger,
    trustedProxies: ["127.0.0.1/32", "::1/128"],
  });
  const direct = await send(`${gw.url}/l`);
  assert.equal(direct.status, 200);
  const proxied = await send(`${gw.url}/l`, { headers: { "x-forwarded-for": "203.0.113.7" } });
  assert.equal(proxied.status, 200);
  await new Promise((r) => setTimeout(r, 20));
  const access = lines.filter((l) => l.msg === "access");
  assert.equal(access.length, 2);
  assert.match(String(access[0]?.client), /^(127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);
  assert.equal(access[0]?.peer, undefined, "no peer field when the peer is the client");
  assert.equal(access[1]?.client, "203.0.113.7");
  assert.equal(access[1]?.peer, access[0]?.client);
});

test("--log-level warn turns the access log off", async (t) => {
  const up = await echoUpstream(t);
  const { lines, logger } = capture("warn");
  const gw = await gateway(t, doc([{ name: "e", url: up, routes: [{ paths: ["/l"] }] }]), {
    logger,
  });
  assert.equal((await send(`${gw.url}/l`)).status, 200);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(lines.filter((l) => l.msg === "access").length, 0);
});
