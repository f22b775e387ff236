// The whole Gatehouse stack on one machine: PostgreSQL (yours or an embedded one),
// migrations, demo seed, the demo echo upstream, the gateway (data plane) and the
// admin (control plane). Used by `npm start` and by the e2e step of `npm test`.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startChild, stopChildren, waitForHttp } from "./processes.mjs";

export const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

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

/**
 * Start everything. Ports come from GATEHOUSE_ADMIN_PORT (3000), GATEHOUSE_PROXY_PORT (8000),
 * GATEHOUSE_CONTROL_PORT (8001) and GATEHOUSE_ECHO_PORT (8002); data lives in GATEHOUSE_DATA_DIR (.data).
 * @param {{ log?: (line: string) => void }} [opts]
 */
export async function startStack(opts = {}) {
  const log = opts.log ?? ((line) => console.log(line));
  const ports = {
    admin: port("GATEHOUSE_ADMIN_PORT", 3000),
    proxy: port("GATEHOUSE_PROXY_PORT", 8000),
    control: port("GATEHOUSE_CONTROL_PORT", 8001),
    echo: port("GATEHOUSE_ECHO_PORT", 8002),
  };
  const dataDir = resolve(root, process.env.GATEHOUSE_DATA_DIR || ".data");
  mkdirSync(join(dataDir, "gateway"), { recursive: true, mode: 0o700 });

  const { startEmbeddedPostgres } = await import("@gatehouse/db/embedded");
  const { migrate } = await import("@gatehouse/db/migrate");
  const { createPrismaClient } = await import("@gatehouse/db/client");
  const { seedDemo } = await import("@gatehouse/db/seed");
  const { exportDeclarative } = await import("@gatehouse/db/export");

  const children = [];
  let embedded = null;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopChildren(children.reverse());
    if (embedded) await embedded.stop();
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

    const { applied } = await migrate(databaseUrl);
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

    const echo = startChild(
      "echo",
      process.execPath,
      [join(gatewayDist, "echo.js"), "--listen", `127.0.0.1:${ports.echo}`],
      { env },
    );
    children.push(echo);

    const gateway = startChild(
      "gateway",
      process.execPath,
      [
        join(gatewayDist, "main.js"),
        "--config",
        configFile,
        "--listen",
        `127.0.0.1:${ports.proxy}`,
        "--control",
        `127.0.0.1:${ports.control}`,
        "--cache-dir",
        join(dataDir, "gateway"),
      ],
      // A registered data plane of the admin: the exported file makes it ready at once (version
      // 0, same content as the newest version), then the admin pushes the newest version and
      // every later change (the gateway registers, heartbeats and catches up on its own).
      { env: { ...env, GATEHOUSE_CONTROL_PLANE_URL: `http://127.0.0.1:${ports.admin}` } },
    );
    children.push(gateway);

    const adminDir = join(root, "apps/admin");
    const nextBin = createRequire(join(adminDir, "package.json")).resolve("next/dist/bin/next");
    const admin = startChild(
      "admin",
      process.execPath,
      [nextBin, "start", "--hostname", "127.0.0.1", "--port", String(ports.admin)],
      { cwd: adminDir, env: { ...env, PORT: String(ports.admin), NODE_ENV: "production" } },
    );
    children.push(admin);

    const urls = {
      admin: `http://127.0.0.1:${ports.admin}`,
      proxy: `http://127.0.0.1:${ports.proxy}`,
      control: `http://127.0.0.1:${ports.control}`,
      echo: echoUrl,
    };
    await Promise.all([
      waitForHttp(`${urls.echo}/`, { child: echo }),
      waitForHttp(`${urls.control}/v1/ready`, {
        child: gateway,
        headers: { authorization: `Bearer ${clusterToken}` },
      }),
      waitForHttp(`${urls.admin}/api/health`, { child: admin }),
    ]);

    const firstExit = Promise.race(children.map((c) => c.exited.then(() => c)));
    return { urls, databaseUrl, seed, clusterToken, dataDir, stop, firstExit };
  } catch (err) {
    await stop();
    throw err;
  }
}
