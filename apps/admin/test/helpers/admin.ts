// Starts the BUILT admin (server.mjs, i.e. `next start`, after `npm run build -w @gatehouse/admin`) on a free
// loopback port against a fresh, migrated test database, and drives it over HTTP.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { createTestDatabase } from "@gatehouse/db/testing";
import type { TestDatabase } from "@gatehouse/db/testing";

export const adminDir = join(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Admin {
  url: string;
  db: TestDatabase;
  bootstrapToken: string;
  keyHashSecret: string;
  clusterToken: string;
  /** Output of the server so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`admin exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`admin did not become healthy within 60 s:\n${output()}`);
}

/** One admin server per test file; call `stop()` in `after`. */
export async function startAdmin(extraEnv: Record<string, string> = {}): Promise<Admin> {
  if (!existsSync(join(adminDir, ".next/BUILD_ID"))) {
    throw new Error("apps/admin is not built: run `npm run build -w @gatehouse/admin` first");
  }
  const db = await createTestDatabase();
  const port = await freePort();
  const bootstrapToken = `bootstrap-${randomBytes(16).toString("hex")}`;
  const keyHashSecret = randomBytes(32).toString("hex");
  const clusterToken = `cluster-${randomBytes(16).toString("hex")}`;
  // server.mjs: `next start` plus the TCP peer address for the route handlers
  const child = spawn(
    process.execPath,
    [join(adminDir, "server.mjs"), "--hostname", "127.0.0.1", "--port", String(port)],
    {
      cwd: adminDir,
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: db.url,
        GATEHOUSE_BOOTSTRAP_TOKEN: bootstrapToken,
        GATEHOUSE_KEY_HASH_SECRET: keyHashSecret,
        GATEHOUSE_CLUSTER_TOKEN: clusterToken,
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    await db.drop();
  };
  try {
    await waitForHealth(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, db, bootstrapToken, keyHashSecret, clusterToken, output: () => log, stop };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** raw body (sent as is) */
  raw?: string | Buffer;
  headers?: Record<string, string>;
}

/** A small HTTP client bound to an admin and a default bearer token. */
export function client(admin: Admin, defaultToken: string | null = admin.bootstrapToken) {
  return async function api(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? defaultToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | Uint8Array<ArrayBuffer> | undefined =
      typeof options.raw === "string" || options.raw === undefined
        ? options.raw
        : new Uint8Array(
            options.raw.buffer.slice(
              options.raw.byteOffset,
              options.raw.byteOffset + options.raw.byteLength,
            ) as ArrayBuffer,
          );
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${admin.url}${path}`, {
      method,
      headers,
      body,
      redirect: "manual",
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
}

/** Creates an API token with `role` (as the bootstrap admin) and returns it. */
export async function tokenFor(admin: Admin, role: "viewer" | "editor" | "admin"): Promise<string> {
  const api = client(admin);
  const response = await api("POST", "/api/v1/tokens", {
    body: { name: `${role}-${randomBytes(3).toString("hex")}`, role },
  });
  if (response.status !== 201)
    throw new Error(`token creation failed: ${response.status} ${response.text}`);
  return response.body.token as string;
}

export type AdminApi = ReturnType<typeof client>;

/**
 * One admin for the whole test file: started in `before` (with a client on the bootstrap token)
 * and stopped in `after`. Call at the top level of the test file.
 */
export function withAdminServer(extraEnv: Record<string, string> = {}): { api: AdminApi } {
  let admin: Admin | undefined;
  let bound: AdminApi | undefined;
  before(async () => {
    admin = await startAdmin(extraEnv);
    bound = client(admin);
  });
  after(async () => admin?.stop());
  const api: AdminApi = (method, path, options) => {
    if (!bound) throw new Error("the admin is not started yet (call api inside a test)");
    return bound(method, path, options);
  };
  return { api };
}
