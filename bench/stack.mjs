// The control plane the push and soak benchmarks run against (bench/push.mjs, bench/soak.mjs): the
// built admin started the way `npm start` runs it (apps/admin/server.mjs) on a fresh test
// database with tokens of its own, and data planes registered with it. Every process it starts is
// stopped by `stop()` (SIGTERM, then SIGKILL after 500 ms), with the database and the work folder.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { freePort } from "./lib.mjs";

/** Polls `probe` until it returns a truthy value (returned; errors count as not yet). */
export async function until(what, probe, timeoutMs = 120_000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v) return v;
    } catch {
      // not yet
    }
    await sleep(everyMs);
  }
  throw new Error(`bench: timed out waiting for ${what}`);
}

/**
 * @param {{ root: string, label: string, log: (line: string) => void, cwd?: string,
 *   nodeOptions?: string }} opts label names the work folder and the log lines; cwd: the
 *   processes' working folder (where heap snapshots go); nodeOptions: NODE_OPTIONS for them
 * @returns null when the admin or the gateway is not built
 */
export async function openControlPlane({ root, label, log, cwd, nodeOptions }) {
  const adminDir = join(root, "apps/admin");
  const gatewayMain = join(root, "apps/gateway/dist/main.js");
  if (!existsSync(join(adminDir, ".next/BUILD_ID")) || !existsSync(gatewayMain)) {
    log(`${label}: skipped (build first: npm run build)`);
    return null;
  }
  const require = createRequire(join(adminDir, "package.json"));
  const { createTestDatabase } = await import(
    pathToFileURL(join(root, "packages/db/dist/testing.js")).href
  );
  const work = mkdtempSync(join(tmpdir(), `gatehouse-${label.replace(/\W+/g, "-")}-`));
  const children = [];
  const db = await createTestDatabase();
  const clusterToken = randomBytes(24).toString("base64url");
  const bootstrap = randomBytes(24).toString("base64url");
  const adminPort = await freePort();
  const admin = `http://127.0.0.1:${adminPort}`;
  const clusterAuth = { authorization: `Bearer ${clusterToken}` };

  const spawnLogged = (name, args, env) => {
    const c = spawn(process.execPath, args, {
      cwd: cwd ?? adminDir,
      env: { ...process.env, ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    c.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
    c.on("exit", (code) => {
      if (code && code !== 0 && code !== 143) log(`${label}: ${name} exited ${code}: ${err}`);
    });
    children.push(c);
    return c;
  };

  return {
    require,
    db,
    work,
    admin,
    clusterToken,
    /** The admin (under `--cpu-prof` into `profileDir` when given), once it answers. */
    async startAdmin(profileDir = null) {
      const proc = spawnLogged(
        "admin",
        [
          ...(profileDir ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : []),
          join(adminDir, "server.mjs"),
          "--hostname",
          "127.0.0.1",
          "--port",
          String(adminPort),
        ],
        {
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: db.url,
          GATEHOUSE_BOOTSTRAP_TOKEN: bootstrap,
          GATEHOUSE_CLUSTER_TOKEN: clusterToken,
        },
      );
      await until("the admin", async () => (await fetch(`${admin}/api/health`)).ok);
      return proc;
    },
    /** A REST API call as the bootstrap admin. */
    api: (method, path, body) =>
      fetch(`${admin}${path}`, {
        method,
        headers: { authorization: `Bearer ${bootstrap}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    /** A data plane registered with the admin; `control` is its control endpoint's URL. */
    async startDataPlane(name, listen = "127.0.0.1:0") {
      const port = await freePort();
      const proc = spawnLogged(
        name,
        [
          gatewayMain,
          "--listen",
          listen,
          "--listen-tls",
          "127.0.0.1:0",
          "--control",
          `127.0.0.1:${port}`,
          "--cache-dir",
          join(work, name.replace(/\W+/g, "-")),
          "--log-level",
          "warn",
        ],
        { GATEHOUSE_CONTROL_PLANE_URL: admin, GATEHOUSE_CLUSTER_TOKEN: clusterToken },
      );
      return { proc, control: `http://127.0.0.1:${port}` };
    },
    /** A data plane's /v1/status. */
    status: async (control) =>
      (await fetch(`${control}/v1/status`, { headers: clusterAuth })).json(),
    /** Every process stopped, the database dropped, the work folder removed. */
    async stop() {
      for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
      await sleep(500);
      for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
      await db.drop().catch(() => undefined);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
