// Real servers for the traffic plugins' end-to-end tests: Redis, an echo upstream, gateways (in-process
// through apps/gateway's startGateway, or the built CLI as separate processes).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import type { PluginDefinition } from "@gatehouse/plugin-kit";

const GATEWAY_MAIN = fileURLToPath(new URL("../../../apps/gateway/dist/main.js", import.meta.url));

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
  const deadline = Date.now() + 5000;
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

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An upstream answering 200 with what it received, as JSON. */
export async function echoUpstream(t: TestContext): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(s);
      const body = JSON.stringify(s);
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

interface StartedGateway {
  url: string;
  close(): Promise<void>;
}
type StartGateway = (
  config: unknown,
  opts?: { plugins?: ReadonlyMap<string, PluginDefinition>; trustedProxies?: string[] },
) => Promise<StartedGateway>;

/** A real gateway in this process (apps/gateway's startGateway, built) running the given plugins. */
export async function gateway(
  t: TestContext,
  config: unknown,
  plugins: readonly PluginDefinition[],
): Promise<StartedGateway> {
  let mod: { startGateway: StartGateway };
  try {
    mod = (await import("@gatehouse/gateway/testing" as string)) as { startGateway: StartGateway };
  } catch (err) {
    throw new Error(
      `cannot load @gatehouse/gateway/testing (build it: npm run build -w @gatehouse/gateway): ${(err as Error).message}`,
    );
  }
  const gw = await mod.startGateway(config, { plugins: new Map(plugins.map((p) => [p.name, p])) });
  t.after(() => gw.close());
  return gw;
}

/** The built gateway CLI as a separate process, with a declarative file; killed (SIGTERM) after the test. */
export async function gatewayProcess(t: TestContext, config: unknown): Promise<{ url: string }> {
  const dir = await mkdtemp(join(tmpdir(), "gh-traffic-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "gatehouse.json");
  await writeFile(file, JSON.stringify(config));
  const child = spawn(
    process.execPath,
    [
      GATEWAY_MAIN,
      "--config",
      file,
      "--listen",
      "127.0.0.1:0",
      "--control",
      "127.0.0.1:0",
      "--cache-dir",
      dir,
      "--log-level",
      "info",
    ],
    {
      env: { ...process.env, GATEHOUSE_CLUSTER_TOKEN: "traffic-token-0123456789" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${out}\n${err}`)),
      10_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${String(code)}:\n${out}\n${err}`));
    });
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      for (const line of out.split("\n")) {
        if (!line.includes("gateway started")) continue;
        const proxy = (JSON.parse(line) as { proxy?: string }).proxy;
        if (proxy) {
          clearTimeout(timer);
          resolve({ url: proxy });
        }
      }
    });
  });
}

/** A one-service, one-route declarative document with the given route plugins; plugin ids are unique. */
export function doc(
  upstream: string,
  plugins: { name: string; config?: unknown }[],
  extra: Record<string, unknown> = {},
) {
  return {
    _format_version: "3.0",
    services: [
      {
        name: "svc",
        url: upstream,
        routes: [
          {
            name: "r",
            paths: ["/api"],
            plugins: plugins.map((p) => ({ id: randomUUID(), ...p })),
          },
        ],
      },
    ],
    ...extra,
  };
}

/** Waits for the next minute when the current one ends within 3 s (tests counting in one minute window). */
export async function steadyMinute(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 3000) await new Promise((r) => setTimeout(r, left + 10));
}
