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
