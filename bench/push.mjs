// Config distribution benchmark (part of `npm run bench`, or alone: `node bench/push.mjs`):
// the built admin (control plane, `next start`) and two gateway processes registered with it,
// a 10,000-route config; then repeated changes through the REST API, each timed until BOTH data
// planes run it. Reports p50/p99 of "committed (API answered) -> applied on both" and of
// "API request sent -> applied on both".
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

const defaultRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

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

const pct = (xs, p) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

/**
 * @param {{ root?: string, routes?: number, changes?: number, log?: (line: string) => void }} [opts]
 * @returns {Promise<null | { push_p99_ms_10k_routes: number, details: object }>} null when skipped
 */
export async function benchPush(opts = {}) {
  const root = opts.root ?? defaultRoot;
  const routes = opts.routes ?? 10_000;
  const changes = opts.changes ?? 15;
  const log = opts.log ?? ((line) => console.log(line));
  const adminDir = join(root, "apps/admin");
  const gatewayMain = join(root, "apps/gateway/dist/main.js");
  if (!existsSync(join(adminDir, ".next/BUILD_ID")) || !existsSync(gatewayMain)) {
    log("push bench: skipped (build first: npm run build)");
    return null;
  }
  const require = createRequire(join(adminDir, "package.json"));
  const { createTestDatabase } = await import(
    pathToFileURL(join(root, "packages/db/dist/testing.js")).href
  );
  const work = mkdtempSync(join(tmpdir(), "gatehouse-push-bench-"));
  const children = [];
  const db = await createTestDatabase();
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    await sleep(500);
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await db.drop().catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const clusterToken = randomBytes(24).toString("base64url");
    const bootstrap = randomBytes(24).toString("base64url");
    const adminPort = await freePort();
    const admin = `http://127.0.0.1:${adminPort}`;
    const spawnLogged = (name, cmd, args, options) => {
      const c = spawn(cmd, args, { ...options, stdio: ["ignore", "ignore", "pipe"] });
      let err = "";
      c.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
      c.on("exit", (code) => {
        if (code && code !== 0 && code !== 143) log(`push bench: ${name} exited ${code}: ${err}`);
      });
      children.push(c);
      return c;
    };
    spawnLogged(
      "admin",
      process.execPath,
      [
        require.resolve("next/dist/bin/next"),
        "start",
        "--hostname",
        "127.0.0.1",
        "--port",
        String(adminPort),
      ],
      {
        cwd: adminDir,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: db.url,
          GATEHOUSE_BOOTSTRAP_TOKEN: bootstrap,
          GATEHOUSE_CLUSTER_TOKEN: clusterToken,
        },
      },
    );
    await until("the admin", async () => (await fetch(`${admin}/api/health`)).ok);
    const api = (method, path, body) =>
      fetch(`${admin}${path}`, {
        method,
        headers: { authorization: `Bearer ${bootstrap}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    // the 10k-route config, in one import (one version)
    const doc = {
      _format_version: "3.0",
      services: [
        {
          name: "bench",
          url: "http://127.0.0.1:9",
          routes: Array.from({ length: routes }, (_, i) => ({
            name: `r${i}`,
            paths: [`/svc${i}/items`],
          })),
        },
      ],
    };
    const imported = await api("POST", "/api/v1/config/import?mode=sync", doc);
    if (!imported.ok) throw new Error(`import: ${imported.status} ${await imported.text()}`);

    const planes = [];
    for (let i = 0; i < 2; i++) {
      const control = await freePort();
      spawnLogged(
        `gateway ${i}`,
        process.execPath,
        [
          gatewayMain,
          "--listen",
          "127.0.0.1:0",
          "--listen-tls",
          "127.0.0.1:0",
          "--control",
          `127.0.0.1:${control}`,
          "--cache-dir",
          join(work, `gw${i}`),
          "--log-level",
          "warn",
        ],
        {
          env: {
            ...process.env,
            GATEHOUSE_CONTROL_PLANE_URL: admin,
            GATEHOUSE_CLUSTER_TOKEN: clusterToken,
          },
        },
      );
      planes.push(`http://127.0.0.1:${control}`);
    }
    const status = async (url) =>
      (
        await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${clusterToken}` } })
      ).json();
    const newest = async () =>
      (await (await api("GET", "/api/v1/config/versions?size=1")).json()).data[0].version;
    const first = await newest();
    await until("both data planes at the first version", async () => {
      const s = await Promise.all(planes.map(status));
      return s.every((x) => x.version >= first);
    });

    const committed = [];
    const requested = [];
    for (let i = 0; i < changes; i++) {
      const before = Math.max(...(await Promise.all(planes.map(status))).map((s) => s.version));
      const t0 = performance.now();
      const r = await api("PATCH", `/api/v1/routes/r${i % routes}`, { tags: [`change-${i}`] });
      const t1 = performance.now();
      if (!r.ok) throw new Error(`change ${i}: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      await until(
        `change ${i} on both data planes`,
        async () => {
          const s = await Promise.all(planes.map(status));
          return s.every((x) => x.version > before);
        },
        30_000,
        5,
      );
      const t2 = performance.now();
      committed.push(t2 - t1);
      requested.push(t2 - t0);
    }
    const details = {
      routes,
      changes,
      data_planes: 2,
      committed_to_applied_ms: { p50: round(pct(committed, 50)), p99: round(pct(committed, 99)) },
      request_to_applied_ms: { p50: round(pct(requested, 50)), p99: round(pct(requested, 99)) },
    };
    return { push_p99_ms_10k_routes: details.committed_to_applied_ms.p99, details };
  } finally {
    await stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchPush();
  console.log(JSON.stringify(result, null, 2));
}
