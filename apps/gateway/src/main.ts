#!/usr/bin/env node
/**
 * Gatehouse data plane.
 *   gatehouse-gateway [--config FILE] [--listen HOST:PORT] [--listen-tls HOST:PORT] [--control HOST:PORT]
 *                     [--cache-dir DIR] [--log-level LEVEL] [--workers N|auto]
 *                     [--upstream-deny RULES]... [--file-log-dir DIR]... [--tracing-sampling-rate R]
 *                     [--proxy-protocol [LISTENERS]]
 * Env: see env.ts (every variable, checked at start; a flag takes precedence over its variable).
 */
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import pino from "pino";
import { Command, Option } from "commander";
import { DEFAULT_TRACING_SAMPLING_RATE } from "@gatehouse/plugin-kit";
import { checkUpstreamDeny, formatErrors } from "@gatehouse/config";
import { gatewayEnv } from "./env.js";
import type { GatewayEnv } from "./env.js";
import { parseHostPort } from "./net/listen.js";
import { realIpProxyProtocolProblem } from "./net/proxy-protocol.js";
import type { ProxyProtocolListeners } from "./net/proxy-protocol.js";
import { loadPlugins } from "./config/plugin-loader.js";
import type { LoadedPlugin } from "./config/plugin-loader.js";
import { buildGateway } from "./server.js";
import type { Gateway, GatewayOptions } from "./server.js";
import { WorkerPool } from "./workers/primary.js";
import { runWorker } from "./workers/worker.js";

interface CliOptions {
  config?: string;
  listen: string;
  listenTls: string;
  control: string;
  cacheDir: string;
  logLevel: string;
  maxHeaderSize: string;
  requestTimeout: string;
  shutdownGrace: string;
  maxConnections?: string;
  maxConnectionsPerIp?: string;
  plugins?: string;
  upstreamDeny: string[];
  fileLogDir: string[];
  workers?: string;
  tracingSamplingRate?: string;
  proxyProtocol?: string | true;
}

function fail(message: string, code = 2): never {
  process.stderr.write(`gatehouse-gateway: ${message}\n`);
  process.exit(code);
}

/** A repeatable option whose values may also be comma-separated lists. */
function collect(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter(Boolean),
  ];
}

function positiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0)
    fail(`${option}: must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

/** --workers / GATEHOUSE_WORKERS: a positive integer, or `auto` (the cores this process may use). */
function workerCount(value: string, option: string): number {
  if (value.trim() === "auto") return availableParallelism();
  return positiveInt(value, option);
}

/** --tracing-sampling-rate / GATEHOUSE_TRACING_SAMPLING_RATE: a number from 0 to 1. */
function samplingRate(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    fail(`${option}: must be a number from 0 to 1, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * --proxy-protocol / GATEHOUSE_PROXY_PROTOCOL: the proxy listeners that read a PROXY protocol
 * header first, `listen` and/or `listen-tls` (comma-separated); the flag alone: both.
 */
function proxyProtocolListeners(value: string | true, option: string): ProxyProtocolListeners {
  if (value === true) return { listen: true, listenTls: true };
  const names = value.split(",").map((v) => v.trim());
  const bad = names.find((n) => n !== "listen" && n !== "listen-tls");
  if (bad !== undefined || names.length === 0)
    fail(
      `${option}: must name proxy listeners, "listen" and/or "listen-tls", got ${JSON.stringify(value)}`,
    );
  return { listen: names.includes("listen"), listenTls: names.includes("listen-tls") };
}

function nonNegativeInt(value: string, option: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n) || n < 0)
    fail(`${option}: must be a non-negative integer, got ${JSON.stringify(value)}`);
  return n;
}

async function main(): Promise<void> {
  const program = new Command()
    .name("gatehouse-gateway")
    .description("Gatehouse data plane: proxy on --listen, control endpoint on --control")
    .option("--config <file>", "declarative config file (YAML or JSON, decK shape); DB-less mode")
    .option("--listen <host:port>", "proxy listener", "127.0.0.1:8000")
    .option(
      "--listen-tls <host:port>",
      "TLS proxy listener: the config's certificates, chosen per connection by SNI; h2 and http/1.1 by ALPN",
      "127.0.0.1:8443",
    )
    .option("--control <host:port>", "control endpoint listener", "127.0.0.1:8001")
    .option("--cache-dir <dir>", "where the last applied snapshot is kept", ".data/gateway")
    .addOption(
      new Option("--log-level <level>", "log level (info = one access log line per request)")
        .choices(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
        .default("info"),
    )
    .option("--max-header-size <bytes>", "request line + headers limit (431 above)", "16384")
    .option("--request-timeout <ms>", "time to receive a whole request (408 above)", "60000")
    .option("--shutdown-grace <ms>", "time in-flight requests get to finish at shutdown", "10000")
    .option(
      "--max-connections <n>",
      "client connections open at once; more are closed at accept (env GATEHOUSE_MAX_CONNECTIONS; default: half the open-files limit, at most 10000)",
    )
    .option(
      "--max-connections-per-ip <n>",
      "client connections open at once from one address, trusted proxies exempt; 0 = no cap (env GATEHOUSE_MAX_CONNECTIONS_PER_IP; default 256, or a quarter of --max-connections when lower)",
    )
    .option(
      "--plugins <list>",
      'plugins this data plane loads: "bundled" (all built-ins), built-in names, "-name" to leave one out, third-party package names or paths (env GATEHOUSE_PLUGINS)',
    )
    .option(
      "--upstream-deny <rules>",
      "addresses never proxied to, whatever the config says: IP, CIDR, IP:port, [IPv6]:port, *:port (repeatable or comma-separated; added to the config's upstream_deny)",
      collect,
      [],
    )
    .option(
      "--workers <n>",
      'worker processes sharing the proxy listeners, or "auto" (one per core); the primary keeps the control endpoint, the cache and the control-plane agent (env GATEHOUSE_WORKERS; default 1: one process)',
    )
    .option(
      "--proxy-protocol [listeners]",
      'connections start with a PROXY protocol header (v1 or v2) on these proxy listeners: "listen", "listen-tls" or both comma-separated; the flag alone: both (env GATEHOUSE_PROXY_PROTOCOL; Kong\'s proxy_listen ... proxy_protocol)',
    )
    .option(
      "--file-log-dir <dir>",
      "directories the file-log plugin may write in (repeatable or comma-separated; default .data/logs; relative plugin paths go in the first)",
      collect,
      [],
    )
    .option(
      "--tracing-sampling-rate <rate>",
      `Kong's tracing_sampling_rate: probability (0 to 1) a new trace is sampled by an opentelemetry plugin whose sampling_rate is unset (env GATEHOUSE_TRACING_SAMPLING_RATE; default ${DEFAULT_TRACING_SAMPLING_RATE})`,
    )
    .parse();
  const o = program.opts<CliOptions>();
  let listen: { host: string; port: number };
  let listenTls: { host: string; port: number };
  let control: { host: string; port: number };
  try {
    listen = parseHostPort(o.listen, "--listen");
    listenTls = parseHostPort(o.listenTls, "--listen-tls");
    control = parseHostPort(o.control, "--control");
  } catch (err) {
    fail((err as Error).message);
  }
  const same = (a: typeof listen, b: typeof listen) =>
    a.host === b.host && a.port === b.port && a.port !== 0;
  if (same(listen, control) || same(listenTls, control)) {
    fail(
      "--control must differ from --listen and --listen-tls: the control endpoint is never on a proxy port",
    );
  }
  if (same(listen, listenTls)) fail("--listen-tls must differ from --listen");
  const badRule = checkUpstreamDeny(o.upstreamDeny)[0];
  if (badRule !== undefined) fail(`--upstream-deny: ${badRule.message}`);
  let env: GatewayEnv;
  try {
    env = gatewayEnv();
  } catch (err) {
    fail((err as Error).message);
  }
  let loaded: LoadedPlugin[];
  try {
    loaded = await loadPlugins(o.plugins ?? env.GATEHOUSE_PLUGINS ?? "bundled");
  } catch (err) {
    fail(`--plugins: ${(err as Error).message}`, 1);
  }
  const plugins = new Map(loaded.map((p) => [p.def.name, p.def]));
  const pluginSources = new Map(
    loaded.filter((p) => p.source !== "builtin").map((p) => [p.def.name, p.source]),
  );
  const requestTimeout = positiveInt(o.requestTimeout, "--request-timeout");
  // a flag takes precedence over its env variable
  const maxConnections =
    o.maxConnections !== undefined
      ? positiveInt(o.maxConnections, "--max-connections")
      : env.GATEHOUSE_MAX_CONNECTIONS;
  const maxConnectionsPerIp =
    o.maxConnectionsPerIp !== undefined
      ? nonNegativeInt(o.maxConnectionsPerIp, "--max-connections-per-ip")
      : env.GATEHOUSE_MAX_CONNECTIONS_PER_IP;
  const workers =
    o.workers !== undefined
      ? workerCount(o.workers, "--workers")
      : env.GATEHOUSE_WORKERS !== undefined
        ? workerCount(env.GATEHOUSE_WORKERS, "GATEHOUSE_WORKERS")
        : 1;
  const shutdownGrace = positiveInt(o.shutdownGrace, "--shutdown-grace");
  const tracingSamplingRate =
    o.tracingSamplingRate !== undefined
      ? samplingRate(o.tracingSamplingRate, "--tracing-sampling-rate")
      : env.GATEHOUSE_TRACING_SAMPLING_RATE !== undefined
        ? samplingRate(env.GATEHOUSE_TRACING_SAMPLING_RATE, "GATEHOUSE_TRACING_SAMPLING_RATE")
        : undefined;
  const proxyProtocol =
    o.proxyProtocol !== undefined
      ? proxyProtocolListeners(o.proxyProtocol, "--proxy-protocol")
      : env.GATEHOUSE_PROXY_PROTOCOL !== undefined
        ? proxyProtocolListeners(env.GATEHOUSE_PROXY_PROTOCOL, "GATEHOUSE_PROXY_PROTOCOL")
        : {};
  const ppProblem = realIpProxyProtocolProblem(env.GATEHOUSE_REAL_IP_HEADER, proxyProtocol);
  if (ppProblem !== undefined) fail(ppProblem);
  const gatewayOptions: GatewayOptions = {
    listen,
    listenTls,
    control,
    cacheDir: o.cacheDir,
    clusterToken: env.GATEHOUSE_CLUSTER_TOKEN,
    clusterTls: env.clusterTls,
    debugToken: env.GATEHOUSE_DEBUG_TOKEN,
    controlPlaneUrl: env.GATEHOUSE_CONTROL_PLANE_URL,
    advertiseControlUrl: env.GATEHOUSE_ADVERTISE_CONTROL_URL,
    advertiseProxyUrl: env.GATEHOUSE_ADVERTISE_PROXY_URL,
    heartbeatIntervalMs: env.GATEHOUSE_HEARTBEAT_INTERVAL_MS,
    plugins,
    pluginSources,
    keyHashSecret: env.GATEHOUSE_KEY_HASH_SECRET,
    trustedProxies: env.GATEHOUSE_TRUSTED_PROXIES,
    realIp: { header: env.GATEHOUSE_REAL_IP_HEADER, recursive: env.GATEHOUSE_REAL_IP_RECURSIVE },
    proxyProtocol,
    logLevel: o.logLevel,
    limits: {
      maxHeaderSize: positiveInt(o.maxHeaderSize, "--max-header-size"),
      requestTimeout,
      headersTimeout: Math.min(20_000, requestTimeout),
      maxConnections,
      maxConnectionsPerIp,
    },
    shutdownGrace,
    upstreamDeny: o.upstreamDeny,
    fileLogDirs: o.fileLogDir.length > 0 ? o.fileLogDir : undefined,
    tracingSamplingRate,
  };
  if (workers > 1 && cluster.isWorker) {
    const log = pino({
      level: o.logLevel,
      base: { service: "gatehouse-gateway", worker: cluster.worker?.id, pid: process.pid },
    });
    runWorker({ ...gatewayOptions, log, shutdownGrace });
    return;
  }
  let pool: WorkerPool | undefined;
  if (workers > 1) {
    const log = pino({
      level: o.logLevel,
      base: { service: "gatehouse-gateway", role: "primary" },
    });
    pool = new WorkerPool({ count: workers, log, shutdownGrace });
    gatewayOptions.logger = log;
    gatewayOptions.role = pool.role();
  }
  const gateway: Gateway = buildGateway(gatewayOptions);

  let file: { text: string; name: string } | undefined;
  if (o.config !== undefined) {
    try {
      file = { text: readFileSync(o.config, "utf8"), name: o.config };
    } catch (err) {
      fail(`--config: cannot read ${o.config}: ${(err as Error).message}`, 1);
    }
  }
  const initial = await gateway.loadInitial({ file });
  if (initial.errors !== undefined) {
    fail(`invalid config file ${o.config ?? ""}:\n${formatErrors(initial.errors)}`, 1);
  }
  if (env.GATEHOUSE_CLUSTER_TOKEN === undefined) {
    gateway.log.warn(
      "GATEHOUSE_CLUSTER_TOKEN is not set: control writes are disabled and reads are allowed from loopback only",
    );
  }
  if (pool !== undefined) {
    try {
      await pool.start(gateway);
    } catch (err) {
      await pool.stop();
      fail(`the workers could not start: ${(err as Error).message}`, 1);
    }
  }
  try {
    const urls = await gateway.listen();
    gateway.log.info({ ...urls, config: initial.source, workers }, "gateway started");
  } catch (err) {
    await pool?.stop();
    fail(`cannot listen: ${(err as Error).message}`, 1);
  }

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    gateway.log.info({ signal }, "shutting down");
    // the workers drain their listeners while the primary stops its agent and control endpoint
    Promise.all([gateway.close(), pool?.stop()]).then(
      () => process.exit(0),
      (err: unknown) => {
        gateway.log.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGHUP", () => stop("SIGHUP"));
}

void main();
