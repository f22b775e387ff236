// A control plane (the BUILT admin, server.mjs) and real data planes (the built gateway CLI,
// apps/gateway/dist/main.js) registered with it, for the distribution tests.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashConfig } from "@gatehouse/config";
import type { PrismaClient } from "@gatehouse/db/client";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";
import type { Admin } from "./admin.js";
import { adminDir, client } from "./admin.js";

export const gatewayMain = join(adminDir, "../gateway/dist/main.js");

/** Fast timings so the tests take seconds. */
export const FAST = {
  GATEHOUSE_HEARTBEAT_INTERVAL_MS: "500",
  GATEHOUSE_DISTRIBUTION_POLL_MS: "500",
  GATEHOUSE_PUSH_RETRY_MS: "200",
  GATEHOUSE_PUSH_TIMEOUT_MS: "5000",
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  return exited.finally(() => clearTimeout(timer));
}

export interface ControlPlane extends Admin {
  clusterToken: string;
  port: number;
  /** stops the admin process (the database stays) */
  down(): Promise<void>;
  /** starts it again on the same port and database */
  up(): Promise<void>;
}

/**
 * The built admin on a fixed free port with a cluster token, against `databaseUrl` (default: a
 * fresh test database, dropped by stop()). down()/up() stop and restart the process only.
 */
export async function startControlPlane(
  opts: { databaseUrl?: string; env?: Record<string, string> } = {},
): Promise<ControlPlane> {
  // another `next build` of the same checkout may be in progress: give it time to finish
  await waitFor(
    "apps/admin to be built (`npm run build -w @gatehouse/admin`)",
    async () => existsSync(join(adminDir, ".next/BUILD_ID")),
    180_000,
  );
  const db: TestDatabase | null = opts.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = opts.databaseUrl ?? (db as TestDatabase).url;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const bootstrapToken = `bootstrap-${randomBytes(16).toString("hex")}`;
  const keyHashSecret = randomBytes(32).toString("hex");
  const clusterToken = `cluster-${randomBytes(16).toString("hex")}`;
  let child: ChildProcess | null = null;
  let log = "";

  const up = async () => {
    const c = spawn(
      process.execPath,
      [join(adminDir, "server.mjs"), "--hostname", "127.0.0.1", "--port", String(port)],
      {
        cwd: adminDir,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: databaseUrl,
          GATEHOUSE_BOOTSTRAP_TOKEN: bootstrapToken,
          GATEHOUSE_KEY_HASH_SECRET: keyHashSecret,
          GATEHOUSE_CLUSTER_TOKEN: clusterToken,
          ...FAST,
          ...opts.env,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child = c;
    c.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    c.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
    await waitFor(
      "the admin to answer /api/health",
      async () => {
        if (c.exitCode !== null) throw new Error(`admin exited with ${c.exitCode}:\n${log}`);
        return (await fetch(`${url}/api/health`)).ok;
      },
      60_000,
    );
  };
  const down = async () => {
    if (child) await kill(child);
    child = null;
  };
  await up();
  return {
    url,
    port,
    db: db ?? { url: databaseUrl, drop: async () => undefined },
    bootstrapToken,
    keyHashSecret,
    clusterToken,
    output: () => log,
    down,
    up,
    async stop() {
      await down();
      await db?.drop();
    },
  };
}

export interface DataPlane {
  /** node id (from the cache dir) */
  id: string;
  cacheDir: string;
  proxyUrl: string;
  controlUrl: string;
  output(): string;
  /** GET /v1/status of its control endpoint */
  status(): Promise<{ version: number | null; hash: string | null; ready: boolean }>;
  /** gatehouse_config_applies_total */
  applies(): Promise<number>;
  /** stops the process (the cache dir stays) */
  down(): Promise<void>;
  /** starts it again with the same cache dir (new ports) */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** A real gateway process registered with `cp` (GATEHOUSE_CONTROL_PLANE_URL + cluster token). */
export async function startDataPlane(
  cp: { url: string; clusterToken: string },
  opts: { args?: string[]; env?: Record<string, string>; waitReady?: boolean } = {},
): Promise<DataPlane> {
  const cacheDir = mkdtempSync(join(tmpdir(), "gatehouse-dp-"));
  let child: ChildProcess | null = null;
  let log = "";
  const dp: DataPlane = {
    id: "",
    cacheDir,
    proxyUrl: "",
    controlUrl: "",
    output: () => log,
    async status() {
      const res = await fetch(`${dp.controlUrl}/v1/status`, {
        headers: { authorization: `Bearer ${cp.clusterToken}` },
      });
      return (await res.json()) as { version: number | null; hash: string | null; ready: boolean };
    },
    async applies() {
      const res = await fetch(`${dp.controlUrl}/metrics`, {
        headers: { authorization: `Bearer ${cp.clusterToken}` },
      });
      const m = /^gatehouse_config_applies_total(?:\{[^}]*\})? (\d+)/m.exec(await res.text());
      return m ? Number(m[1]) : 0;
    },
    async up() {
      const started = log.length;
      const c = spawn(
        process.execPath,
        [
          gatewayMain,
          "--listen",
          "127.0.0.1:0",
          "--listen-tls",
          "127.0.0.1:0",
          "--control",
          "127.0.0.1:0",
          "--cache-dir",
          cacheDir,
          "--log-level",
          "info",
          ...(opts.args ?? []),
        ],
        {
          env: {
            ...process.env,
            GATEHOUSE_CONTROL_PLANE_URL: cp.url,
            GATEHOUSE_CLUSTER_TOKEN: cp.clusterToken,
            GATEHOUSE_HEARTBEAT_INTERVAL_MS: FAST.GATEHOUSE_HEARTBEAT_INTERVAL_MS,
            ...opts.env,
          },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      child = c;
      c.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      c.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
      // the gateway loads every plugin before it listens: slow on a loaded machine
      const urls = await waitFor(
        "the gateway to start",
        async () => {
          if (c.exitCode !== null) throw new Error(`gateway exited with ${c.exitCode}:\n${log}`);
          for (const line of log.slice(started).split("\n")) {
            if (!line.includes('"gateway started"')) continue;
            const entry = JSON.parse(line) as { proxy: string; control: string };
            return entry;
          }
          return undefined;
        },
        60_000,
      );
      dp.proxyUrl = urls.proxy;
      dp.controlUrl = urls.control;
      dp.id = await waitFor("the node id", async () => {
        const file = join(cacheDir, "node-id");
        return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
      });
      if (opts.waitReady !== false) {
        await waitFor("the gateway to be ready", async () => (await dp.status()).ready);
      }
    },
    async down() {
      if (child) await kill(child);
      child = null;
    },
    async stop() {
      await dp.down();
      rmSync(cacheDir, { recursive: true, force: true });
    },
  };
  await dp.up();
  return dp;
}

export interface DataPlaneView {
  id: string;
  status: string;
  applied_version: number | null;
  applied_hash: string | null;
  target_version: number | null;
  latest_version: number | null;
  errors: { path: string; message: string }[];
  missing_plugins: string[];
  last_error: string | null;
  last_seen_at: string | null;
  connected: boolean;
  control_url: string;
  hostname: string;
  software_version: string;
  plugins: { name: string; version: string }[];
}

/** GET /api/v1/data-planes/{id} as the bootstrap admin. */
export async function dataPlaneView(cp: Admin, id: string): Promise<DataPlaneView> {
  const r = await client(cp)("GET", `/api/v1/data-planes/${encodeURIComponent(id)}`);
  if (r.status !== 200) throw new Error(`GET data plane ${id}: ${r.status} ${r.text}`);
  return r.body as DataPlaneView;
}

/** The newest committed version (GET /api/v1/config/versions, newest first). */
export async function newestVersion(cp: Admin): Promise<{ version: number; hash: string }> {
  const r = await client(cp)("GET", "/api/v1/config/versions?sort_desc=true&size=1");
  if (r.status !== 200) throw new Error(`versions: ${r.status} ${r.text}`);
  return r.body.data[0] as { version: number; hash: string };
}

/** Waits until the API shows the data plane in sync at `version`. */
export async function waitInSync(cp: Admin, id: string, version: number, timeoutMs = 15_000) {
  return waitFor(
    `data plane ${id} in_sync at version ${version}`,
    async () => {
      const view = await dataPlaneView(cp, id);
      return view.status === "in_sync" && view.applied_version === version ? view : undefined;
    },
    timeoutMs,
  );
}

/** Commits a config version with one route `r<n>` straight to the database; its version number. */
export async function commitRoute(prisma: PrismaClient, n: number): Promise<number> {
  const doc = { _format_version: "3.0", routes: [{ name: `r${n}`, paths: [`/r/${n}`] }] };
  const row = await prisma.configVersion.create({
    data: { hash: hashConfig(doc), snapshot: doc, author: "test" },
  });
  return row.version;
}
