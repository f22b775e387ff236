// Test utilities of the built-in plugins (`@gatehouse/plugins/testing`), for tests only: shared by their
// unit tests (src/<name>/*.test.ts) and by the gateway's end-to-end tests of them (apps/gateway/test/
// plugins): a Redis server, a log collector, temp directories and JSON-lines files, minute windows, a
// loopback identity provider. Not used by the plugins themselves.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";

export { signingKey, startIssuer } from "./openid-connect/test-issuer.js";
export type { Issuer, SigningKey } from "./openid-connect/test-issuer.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, "127.0.0.1");
    let data = "";
    sock.setTimeout(500, () => sock.destroy());
    sock.on("connect", () => sock.write("PING\r\n"));
    sock.on("data", (c: Buffer) => {
      data += c.toString();
      if (data.includes("\r\n")) sock.end();
    });
    sock.on("close", () => resolve(data.startsWith("+PONG")));
    sock.on("error", () => resolve(false));
  });
}

export interface RedisServer {
  host: string;
  port: number;
  /** kills the server (SIGKILL: as if it crashed) and waits until it is gone */
  stop(): Promise<void>;
}

/** Starts Debian's redis-server on a free loopback port (no persistence); stopped after the test. */
export async function startRedis(t: TestContext): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
  } catch (err) {
    throw new Error(`cannot start redis-server: ${(err as Error).message}`);
  }
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === "ENOENT"
            ? "redis-server is not installed: run `apt-get install -y redis-server` (or set REDIS_URL to a running Redis)"
            : `cannot start redis-server: ${err.message}`,
        ),
      ),
    ),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  t.after(stop);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await Promise.race([ping(port), spawnError]);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: "127.0.0.1", port, stop };
}

/** REDIS_URL's server when set, else a redis-server started for this test. */
export async function redisForTest(t: TestContext): Promise<{ host: string; port: number }> {
  const url = process.env.REDIS_URL;
  if (url) {
    const u = new URL(url);
    return { host: u.hostname, port: Number(u.port || 6379) };
  }
  return startRedis(t);
}

/** A fresh directory under the OS temp dir, removed after the test. */
export async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gh-plugins-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The JSON lines of a file ([] when it does not exist). */
export async function jsonLines(file: string): Promise<Record<string, unknown>[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  assert(text === "" || text.endsWith("\n"), `${file} does not end with a newline`);
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Polls until `file` has `n` lines (fails after 15 s). */
export async function waitForLines(file: string, n: number): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const lines = await jsonLines(file);
    if (lines.length >= n) return lines;
    if (Date.now() > deadline) throw new Error(`${file} has ${lines.length} lines, expected ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function assert(ok: boolean, msg: string): asserts ok {
  if (!ok) throw new Error(msg);
}

export const uri = (e: Record<string, unknown>): unknown =>
  (e.request as { uri?: unknown } | undefined)?.uri;

/** Waits for the next minute when the current one ends within 3 s (tests counting in one minute window). */
export async function steadyMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 3000) await new Promise((r) => setTimeout(r, left + 10));
}

// A real HTTP log collector on 127.0.0.1:0 (http-log's tests).
export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Collector {
  url: string;
  received: Received[];
  /** statuses to answer with, in order (then 200) */
  statuses: number[];
  /** when set, requests are held until release() */
  hold: boolean;
  release(): void;
  /** resolves once `n` requests were received (fails after 15 s) */
  waitFor(n: number): Promise<void>;
}

export async function collector(t: TestContext): Promise<Collector> {
  const held: { res: ServerResponse; status: number }[] = [];
  const c: Collector = {
    url: "",
    received: [],
    statuses: [],
    hold: false,
    release() {
      c.hold = false;
      for (const h of held.splice(0)) h.res.writeHead(h.status).end();
    },
    async waitFor(n) {
      const deadline = Date.now() + 15_000;
      while (c.received.length < n) {
        if (Date.now() > deadline)
          throw new Error(`collector got ${c.received.length} requests, expected ${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      c.received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: JSON.parse(text) as unknown,
      });
      const status = c.statuses.shift() ?? 200;
      if (c.hold) held.push({ res, status });
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  c.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.after(
    () =>
      new Promise<void>((r) => {
        c.release();
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return c;
}
