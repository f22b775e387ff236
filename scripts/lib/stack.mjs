// The whole Gatehouse stack on one machine: PostgreSQL (yours or an embedded one),
// migrations, demo seed, the demo echo upstream, the gateway (data plane) and the
// admin (control plane). Used by `npm start` and by the e2e step of `npm test`.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startChild, supervise, waitForHttp } from "./processes.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * The gateway never proxies to the database when it is on this machine (a service pointing at it
 * would expose it through the proxy): `--upstream-deny` for its port on loopback.
 * @param {string} databaseUrl
 */
function databaseDeny(databaseUrl) {
  const url = new URL(databaseUrl);
  const port = url.port || "5432";
  const local = ["localhost", "127.0.0.1", "[::1]", ""].includes(url.hostname);
  return local ? ["--upstream-deny", `127.0.0.0/8:${port},[::1]:${port}`] : [];
}

function port(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new Error(`${name}: must be a port number between 1 and 65535, got "${raw}"`);
  }
  return n;
}

/** A secret generated once and kept in the data dir (mode 0600). */
function persistentSecret(file) {
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const value = randomBytes(32).toString("base64url");
  writeFileSync(file, value + "\n", { mode: 0o600 });
  return value;
}

/** The stack's ports: variable, default and what listens there. */
const PORTS = {
  admin: { env: "GATEHOUSE_ADMIN_PORT", fallback: 3000, what: "admin UI + API" },
  proxy: { env: "GATEHOUSE_PROXY_PORT", fallback: 8000, what: "gateway proxy" },
  proxyTls: { env: "GATEHOUSE_PROXY_TLS_PORT", fallback: 8443, what: "gateway TLS proxy" },
  control: { env: "GATEHOUSE_CONTROL_PORT", fallback: 8001, what: "gateway control endpoint" },
  echo: { env: "GATEHOUSE_ECHO_PORT", fallback: 8002, what: "demo echo upstream" },
};

/**
 * Ports from GATEHOUSE_ADMIN_PORT (3000), GATEHOUSE_PROXY_PORT (8000), GATEHOUSE_PROXY_TLS_PORT
 * (8443), GATEHOUSE_CONTROL_PORT (8001) and GATEHOUSE_ECHO_PORT (8002). Throws on a value that is
 * not a port.
 * @returns {{ admin: number, proxy: number, proxyTls: number, control: number, echo: number }}
 */
export function stackPorts() {
  return /** @type {any} */ (
    Object.fromEntries(Object.entries(PORTS).map(([k, p]) => [k, port(p.env, p.fallback)]))
  );
}

/** `n` distinct ports that were free a moment ago on 127.0.0.1 (all held at once, then let go) */
export async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((done, fail) => {
          const server = createServer();
          server.once("error", fail);
          server.listen(0, "127.0.0.1", () => done(server));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
  return ports;
}

/** null when `port` can be bound on 127.0.0.1 right now, else the error code (EADDRINUSE, ...) */
function bindError(port) {
  return new Promise((done) => {
    const server = createServer();
    server.once("error", (err) => done(/** @type {NodeJS.ErrnoException} */ (err).code ?? "error"));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () =>
      server.close(() => done(null)),
    );
  });
}

/**
 * Throws an Error naming the first port of the stack that is taken (or used twice), with the
 * variable that moves it; resolves when every port can be bound.
 * @param {ReturnType<typeof stackPorts>} ports
 */
export async function checkPortsFree(ports) {
  const seen = new Map();
  for (const [key, n] of Object.entries(ports)) {
    const { env, what } = PORTS[key];
    if (seen.has(n)) {
      const other = PORTS[seen.get(n)];
      throw new Error(
        `port ${n} is set for both the ${other.what} (${other.env}) and the ${what} (${env}): give each its own port`,
      );
    }
    seen.set(n, key);
    const code = await bindError(n);
    if (code === null) continue;
    const reason =
      code === "EADDRINUSE"
        ? "is already in use by another program"
        : code === "EACCES"
          ? "cannot be used (permission denied: ports below 1024 need root)"
          : `cannot be used (${code})`;
    throw new Error(
      `port ${n} for the ${what} ${reason} (is Gatehouse already running?). ` +
        `Stop what uses it, or choose another port: ${env}=<port> npm start`,
    );
  }
}

/**
 * Start everything and keep it running: the echo upstream, the gateway and the admin are restarted
 * when they exit (with backoff), the embedded PostgreSQL is restarted when it dies, and a
 * PostgreSQL from DATABASE_URL is probed and reported when unreachable. The gateway serves its last
 * config throughout. Ports: see stackPorts(); data lives in GATEHOUSE_DATA_DIR (.data).
 * `opts.signal` aborts a start in progress (everything started so far is stopped, the promise
 * rejects) or stops a running stack.
 * `opts.workers`: the gateway's --workers (GATEHOUSE_WORKERS wins; default "auto": one per core).
 * @param {{ log?: (line: string) => void, warn?: (line: string) => void, dbProbeMs?: number, signal?: AbortSignal, workers?: string }} [opts]
 */
export async function startStack(opts = {}) {
  const log = opts.log ?? ((line) => console.log(line));
  const warn = opts.warn ?? ((line) => console.error(line));
  const ports = stackPorts();
  const dataDir = resolve(root, process.env.GATEHOUSE_DATA_DIR || ".data");
  mkdirSync(join(dataDir, "gateway"), { recursive: true, mode: 0o700 });

  const { startEmbeddedPostgres } = await import("@gatehouse/db/embedded");
  const { migrate } = await import("@gatehouse/db/migrate");
  const { createPrismaClient } = await import("@gatehouse/db/client");
  const { seedDemo } = await import("@gatehouse/db/seed");
  const { exportDeclarative } = await import("@gatehouse/db/export");

  /** supervised children, in start order */
  const children = [];
  let embedded = null;
  let stopped = false;
  let dbWatch = null;
  // idempotent; also stops what a start still in progress gets to start (see `cancelled`)
  const stop = async () => {
    stopped = true;
    dbWatch?.stop();
    await Promise.all([...children].reverse().map((c) => c.stop()));
    await dbWatch?.restarting;
    if (embedded) await embedded.stop();
  };
  opts.signal?.addEventListener("abort", () => void stop(), { once: true });
  const cancelled = () => {
    if (stopped) throw new Error("stopped while starting");
  };

  try {
    let databaseUrl = process.env.DATABASE_URL;
    if (databaseUrl) {
      log(`Using PostgreSQL from DATABASE_URL`);
    } else {
      log(`Starting embedded PostgreSQL (data in ${join(dataDir, "postgres")})`);
      embedded = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres") });
      databaseUrl = embedded.url;
    }
    cancelled();
    dbWatch = watchDatabase({
      url: databaseUrl,
      embedded,
      restartEmbedded: (port) =>
        startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), port }).then((e) => {
          if (stopped) return e.stop().then(() => null);
          embedded = e;
          return e;
        }),
      probeMs: opts.dbProbeMs ?? 5_000,
      log,
      warn,
      isStopped: () => stopped,
    });

    const { applied } = await migrate(databaseUrl);
    cancelled();
    log(
      applied.length
        ? `Applied migrations: ${applied.join(", ")}`
        : "Database schema is up to date",
    );

    const echoUrl = `http://127.0.0.1:${ports.echo}`;
    const prisma = createPrismaClient(databaseUrl);
    let seed;
    let declarative;
    try {
      seed = await seedDemo(prisma, { echoUrl });
      declarative = await exportDeclarative(prisma);
    } finally {
      await prisma.$disconnect();
    }
    cancelled();

    const clusterToken =
      process.env.GATEHOUSE_CLUSTER_TOKEN || persistentSecret(join(dataDir, "cluster-token"));
    const keyHashSecret =
      process.env.GATEHOUSE_KEY_HASH_SECRET || persistentSecret(join(dataDir, "key-hash-secret"));
    // Request tracing: the gateway answers X-Gatehouse-Debug: <token> with a trace; the admin's
    // request simulator sends it.
    const debugToken =
      process.env.GATEHOUSE_DEBUG_TOKEN || persistentSecret(join(dataDir, "debug-token"));
    const configFile = join(dataDir, "gateway", "declarative.json");
    writeFileSync(configFile, JSON.stringify(declarative, null, 2) + "\n", { mode: 0o600 });

    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      GATEHOUSE_CLUSTER_TOKEN: clusterToken,
      GATEHOUSE_KEY_HASH_SECRET: keyHashSecret,
      GATEHOUSE_DEBUG_TOKEN: debugToken,
      NEXT_TELEMETRY_DISABLED: "1",
    };
    const gatewayDist = join(root, "apps/gateway/dist");

    const sup = { log, warn };
    const echo = supervise(
      "echo",
      () =>
        startChild(
          "echo",
          process.execPath,
          [join(gatewayDist, "echo.js"), "--listen", `127.0.0.1:${ports.echo}`],
          { env },
        ),
      sup,
    );
    children.push(echo);

    const gatewayCache = join(dataDir, "gateway");
    // every core: one primary and a worker per core (apps/gateway/README.md, "Workers")
    const gatewayWorkers = process.env.GATEHOUSE_WORKERS || opts.workers || "auto";
    let gatewayStarts = 0;
    const gateway = supervise(
      "gateway",
      () =>
        startChild(
          "gateway",
          process.execPath,
          [
            join(gatewayDist, "main.js"),
            // First start: the exported file makes it ready at once (version 0, same content as
            // the newest version). A restart comes back with the newest config it applied (its
            // cache), even while the admin is down.
            ...(gatewayStarts++ === 0 || !existsSync(join(gatewayCache, "snapshot.json"))
              ? ["--config", configFile]
              : []),
            "--listen",
            `127.0.0.1:${ports.proxy}`,
            "--listen-tls",
            `127.0.0.1:${ports.proxyTls}`,
            "--control",
            `127.0.0.1:${ports.control}`,
            "--cache-dir",
            gatewayCache,
            ...databaseDeny(databaseUrl),
          ],
          // A registered data plane of the admin: the admin pushes the newest version and every
          // later change (the gateway registers, heartbeats and catches up on its own).
          {
            env: {
              ...env,
              GATEHOUSE_CONTROL_PLANE_URL: `http://127.0.0.1:${ports.admin}`,
              GATEHOUSE_WORKERS: gatewayWorkers,
            },
          },
        ),
      sup,
    );
    children.push(gateway);

    const adminDir = join(root, "apps/admin");
    const admin = supervise(
      "admin",
      () =>
        startChild(
          "admin",
          process.execPath,
          [join(adminDir, "server.mjs"), "--hostname", "127.0.0.1", "--port", String(ports.admin)],
          { cwd: adminDir, env: { ...env, PORT: String(ports.admin), NODE_ENV: "production" } },
        ),
      sup,
    );
    children.push(admin);

    const urls = {
      admin: `http://127.0.0.1:${ports.admin}`,
      proxy: `http://127.0.0.1:${ports.proxy}`,
      proxyTls: `https://127.0.0.1:${ports.proxyTls}`,
      control: `http://127.0.0.1:${ports.control}`,
      echo: echoUrl,
    };
    // a child that exits before it answered fails the start (no restart loop on a broken setup)
    await Promise.all([
      waitForHttp(`${urls.echo}/`, { child: echo.current }),
      waitForHttp(`${urls.control}/v1/ready`, {
        child: gateway.current,
        headers: { authorization: `Bearer ${clusterToken}` },
      }),
      waitForHttp(`${urls.admin}/api/health`, { child: admin.current }),
    ]);

    return {
      urls,
      databaseUrl,
      seed,
      clusterToken,
      dataDir,
      stop,
      children: { echo, gateway, admin },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Watch the database: a probe (connect + SELECT 1) every `probeMs` reports loudly when it stops
 * answering and when it is back; the embedded server is also watched directly and restarted on the
 * same port (same URL) when its process dies, with backoff while it fails to come back.
 */
function watchDatabase({ url, embedded, restartEmbedded, probeMs, log, warn, isStopped }) {
  let down = false;
  let timer;
  let restarting = null;
  const aborted = new AbortController();
  const stopped = () => aborted.signal.aborted || isStopped();
  const probe = async () => {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.query("SELECT 1");
      if (down) log("PostgreSQL answers again.");
      down = false;
    } catch (err) {
      // (a restart of the embedded server in progress is reported already)
      if (!down && !stopped() && !restarting) {
        warn(
          `!! PostgreSQL does not answer (${err instanceof Error ? err.message : err}): the admin ` +
            `answers errors until it is back; the gateway keeps serving its last config.`,
        );
      }
      down = true;
    } finally {
      await client.end().catch(() => undefined);
    }
    if (!stopped()) timer = setTimeout(() => void probe(), probeMs).unref();
  };
  timer = setTimeout(() => void probe(), probeMs).unref();

  const restart = async (port) => {
    for (let backoff = 1_000; !stopped(); backoff = Math.min(backoff * 2, 30_000)) {
      try {
        const next = await restartEmbedded(port);
        if (next) {
          log(`The embedded PostgreSQL is back (port ${next.port}).`);
          watchEmbedded(next);
        }
        return;
      } catch (err) {
        warn(
          `!! the embedded PostgreSQL did not restart: ${err instanceof Error ? err.message : err}; ` +
            `trying again in ${backoff / 1000} s`,
        );
        await sleep(backoff, undefined, { signal: aborted.signal }).catch(() => undefined);
      }
    }
  };
  const watchEmbedded = (server) => {
    void server.exited.then(async ({ code, signal }) => {
      if (stopped()) return;
      warn(
        `!! the embedded PostgreSQL exited unexpectedly (code ${code}, signal ${signal}); ` +
          `restarting it on port ${server.port}. The gateway keeps serving its last config.`,
      );
      restarting = restart(server.port);
      await restarting;
      restarting = null;
    });
  };
  if (embedded) watchEmbedded(embedded);

  return {
    stop() {
      aborted.abort();
      clearTimeout(timer);
    },
    /** the restart in progress, if any (awaited at stop, so its server gets stopped too) */
    get restarting() {
      return restarting;
    },
  };
}
