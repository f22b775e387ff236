// The built-in plugins end to end: real gateways (in this process through startGateway, or the built CLI
// as separate processes) in front of a real upstream that echoes what it got, as a client sees them.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { builtinCatalog, fileLog } from "@gatehouse/plugins";
import pino from "pino";
import { gateway as startedGateway, listen } from "../helpers.js";
import type { StartedGateway } from "../../src/testing.js";

const GATEWAY_MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An upstream answering 200 with what it received (`Seen`, as JSON); `seen` lists every request. */
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
  return { url: await listen(server, t), seen };
}

/** A real gateway in this process running `plugins` (the built-ins when not given); closed after the test. */
export function gateway(
  t: TestContext,
  config: unknown,
  plugins?: readonly PluginDefinition[],
): Promise<StartedGateway> {
  const catalog = plugins ? new Map(plugins.map((p) => [p.name, p])) : builtinCatalog;
  return startedGateway(t, config, { plugins: catalog });
}

/** A gateway with every built-in plugin and `config`; its proxy URL. */
export async function gatewayWith(t: TestContext, config: unknown): Promise<string> {
  return (await gateway(t, config)).url;
}

/**
 * A real gateway running file-log, allowed to write in `dirs` (--file-log-dir); its log records are kept.
 */
export async function fileLogGateway(t: TestContext, config: unknown, dirs: string[]) {
  const records: { level: number; msg: string }[] = [];
  const logger = pino(
    { level: "info" },
    { write: (s: string) => void records.push(JSON.parse(s) as { level: number; msg: string }) },
  );
  const gw = await startedGateway(t, config, {
    plugins: new Map([["file-log", fileLog]]),
    logger,
    fileLogDirs: dirs,
  });
  return { url: gw.url, records };
}

const PROCESS_TOKEN = "traffic-token-0123456789";

/**
 * The built gateway CLI as a separate process (its own memory: nothing shared with this one but what
 * is shared on purpose), with a declarative file; killed (SIGTERM) after the test.
 */
export async function gatewayProcess(
  t: TestContext,
  config: unknown,
): Promise<{ url: string; controlUrl: string; token: string }> {
  const dir = await mkdtemp(join(tmpdir(), "gh-plugins-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "gatehouse.json");
  await writeFile(file, JSON.stringify(config));
  const args = [
    "--config",
    file,
    "--listen",
    "127.0.0.1:0",
    "--listen-tls",
    "127.0.0.1:0",
    "--control",
    "127.0.0.1:0",
  ];
  const child = spawn(
    process.execPath,
    [GATEWAY_MAIN, ...args, "--cache-dir", dir, "--log-level", "info"],
    {
      env: { ...process.env, GATEHOUSE_CLUSTER_TOKEN: PROCESS_TOKEN },
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
      60_000,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${String(code)}:\n${out}\n${err}`));
    });
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      for (const line of out.split("\n")) {
        if (!line.includes("gateway started")) continue;
        const { proxy, control } = JSON.parse(line) as { proxy?: string; control?: string };
        if (proxy && control) {
          clearTimeout(timer);
          resolve({ url: proxy, controlUrl: control, token: PROCESS_TOKEN });
        }
      }
    });
  });
}

/** A one-service (`svc`), one-route (`r`, /api) document with the given route plugins; plugin ids unique. */
export function doc(
  upstream: string,
  plugins: { id?: string; name: string; config?: unknown }[],
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

/** One service `s` → upstream, one route `api` (/api) with `plugins`, plus `consumers`. */
export function oneRoute(upstream: string, plugins: unknown[], consumers: unknown[] = []) {
  return {
    _format_version: "3.0",
    services: [{ name: "s", url: upstream, routes: [{ name: "api", paths: ["/api"], plugins }] }],
    consumers,
  };
}

export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
}

/** A request on a fresh connection (no pooled sockets kept open after the test). */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { ...init, headers: { connection: "close", ...init.headers } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
