import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { buildGateway } from "../src/server.js";
import { doc, echoUpstream, send } from "./helpers.js";

// The built CLI: `npm run build` (or tsc -p tsconfig.build.json) must have run.
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

async function holdPort(t: TestContext): Promise<{ server: Server; port: number }> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => server.close());
  return { server, port: (server.address() as AddressInfo).port };
}

async function freePort(t: TestContext): Promise<number> {
  const { server, port } = await holdPort(t);
  await new Promise((r) => server.close(r));
  return port;
}

function startCli(args: string[]) {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...process.env, GATEHOUSE_CLUSTER_TOKEN: "restart-token-0123456789" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stderr += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => stderr };
}

async function ready(controlPort: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    const status = await send(`http://127.0.0.1:${controlPort}/v1/ready`, {
      headers: { authorization: "Bearer restart-token-0123456789" },
    }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(gone ? "the gateway exited before it was ready" : "the gateway never got ready");
}

test("a gateway restarted right after SIGTERM under keep-alive traffic binds its ports and serves", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "gh-restart-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const up = await echoUpstream(t);
  const file = join(dir, "kong.json");
  await writeFile(
    file,
    JSON.stringify(doc([{ name: "echo", url: up, routes: [{ paths: ["/echo"] }] }])),
  );
  const [port, cport] = [await freePort(t), await freePort(t)];
  const args = (n: number) => [
    "--config",
    file,
    "--listen",
    `127.0.0.1:${port}`,
    "--listen-tls",
    "127.0.0.1:0",
    "--control",
    `127.0.0.1:${cport}`,
    "--cache-dir",
    join(dir, `cache-${n}`),
    "--log-level",
    "warn",
  ];
  const first = startCli(args(1));
  t.after(() => first.child.kill("SIGKILL"));
  await ready(cport, first.exited);

  // keep-alive traffic on 8 pooled connections until told to stop
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  t.after(() => agent.destroy());
  const statuses = new Map<number, number>();
  let stopping = false;
  const get = () =>
    new Promise<number>((resolve) => {
      const req = request(`http://127.0.0.1:${port}/echo/x`, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(-1));
      });
      req.on("error", () => resolve(-1)); // refused between the two processes' listeners
      req.end();
    });
  const loop = async () => {
    while (!stopping) {
      const s = await get();
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
      if (s === -1) await new Promise((r) => setTimeout(r, 10));
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  t.after(() => {
    stopping = true;
  });
  while ((statuses.get(200) ?? 0) < 50) await new Promise((r) => setTimeout(r, 10));

  first.child.kill("SIGTERM");
  const second = startCli(args(2));
  t.after(() => second.child.kill("SIGKILL"));
  assert.equal(await first.exited, 0, first.output());
  await ready(cport, second.exited);
  const servedBefore = statuses.get(200) ?? 0;
  // the new process serves the keep-alive clients
  while ((statuses.get(200) ?? 0) < servedBefore + 50) {
    assert.equal(second.child.exitCode, null, second.output());
    await new Promise((r) => setTimeout(r, 10));
  }
  stopping = true;
  await Promise.all(loops);
  assert.doesNotMatch(second.output(), /cannot listen/);
  assert.deepEqual(
    [...statuses.keys()].filter((s) => s !== 200 && s !== -1),
    [],
    "no answer other than 200 (only refused connects while neither process listens)",
  );
  second.child.kill("SIGTERM");
  assert.equal(await second.exited, 0);
});

/** A gateway meant to listen on a held port; resolves `retrying` when it logs its first retry. */
function gatewayOn(t: TestContext, port: number, bindRetryWindow: number) {
  let retried: () => void = () => undefined;
  const retrying = new Promise<void>((resolve) => (retried = resolve));
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (chunk.toString().includes("address in use; retrying the bind")) retried();
      done();
    },
  });
  const gw = buildGateway({
    logger: pino({ level: "warn" }, logs),
    listen: { host: "127.0.0.1", port },
    control: { host: "127.0.0.1", port: 0 },
    bindRetryWindow,
  });
  t.after(() => gw.close());
  return { gw, retrying };
}

test("a bind that finds the port in use is retried until the holder lets go", async (t) => {
  const held = await holdPort(t);
  const { gw, retrying } = gatewayOn(t, held.port, 10_000);
  const route = { name: "t", paths: ["/t"] };
  const plugin = { name: "request-termination", config: { status_code: 200, message: "ok" } };
  await gw.loadDocument(doc([], { routes: [{ ...route, plugins: [plugin] }] }), 0, "file");
  const listening = gw.listen();
  await retrying;
  held.server.close();
  await listening;
  const r = await send(`http://127.0.0.1:${held.port}/t`);
  assert.equal(r.status, 200);
  assert.equal(r.text, '{"message":"ok"}');
});

test("a port held past the retry window fails the start with EADDRINUSE", async (t) => {
  const held = await holdPort(t);
  const { gw, retrying } = gatewayOn(t, held.port, 300);
  const started = Date.now();
  await assert.rejects(gw.listen(), /EADDRINUSE: address already in use 127\.0\.0\.1:\d+/);
  await retrying;
  assert.ok(Date.now() - started >= 300, "retried for the whole window");
});
