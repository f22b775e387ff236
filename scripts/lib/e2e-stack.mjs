// The stack the Playwright suite runs against (the e2e step of `npm test`, `npm run screenshots`):
// its own database on DATABASE_URL's server, a temp data dir, free ports (asked from the OS unless
// given in GATEHOUSE_E2E_*_PORT), and the example third-party plugin beside the bundled ones.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./processes.mjs";
import { freePorts, root, startStack } from "./stack.mjs";

/**
 * One PostgreSQL server for the tests: yours (DATABASE_URL) or, when it is unset, an embedded one in
 * a temp dir (DATABASE_URL is then set to it; `cleanups` stops it). Each suite creates its own
 * database on it.
 * @param {{ log: (line: string) => void, cleanups: (() => unknown)[] }} opts
 */
export async function ensureDatabaseServer({ log, cleanups }) {
  if (process.env.DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-test-pg-"));
  log(`DATABASE_URL is not set: starting an embedded PostgreSQL in ${dir}`);
  const { startEmbeddedPostgres } = await import("@gatehouse/db/embedded");
  const pg = await startEmbeddedPostgres({ dataDir: dir });
  process.env.DATABASE_URL = pg.url;
  cleanups.push(async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * Starts it (process.env is set for the stack's children); `env` is what Playwright needs to find it
 * (GATEHOUSE_*_URL, the cluster token, the seeded admin's credentials), `cleanups` undo it in reverse.
 * @param {{ log: (line: string) => void, cleanups: (() => unknown)[] }} opts
 */
export async function startE2eStack({ log, cleanups }) {
  const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-"));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const { createTestDatabase } = await import("@gatehouse/db/testing");
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  // free ports (asked from the OS) unless given: runs beside `npm start` or another checkout
  const free = await freePorts(5);
  const e2ePort = (name, i) => process.env[`GATEHOUSE_E2E_${name}_PORT`] || String(free[i]);
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ADMIN_PORT: e2ePort("ADMIN", 0),
    GATEHOUSE_PROXY_PORT: e2ePort("PROXY", 1),
    GATEHOUSE_CONTROL_PORT: e2ePort("CONTROL", 2),
    GATEHOUSE_ECHO_PORT: e2ePort("ECHO", 3),
    GATEHOUSE_PROXY_TLS_PORT: e2ePort("PROXY_TLS", 4),
    // The example third-party plugin too: the marketplace e2e fills its form like the built-ins'.
    GATEHOUSE_PLUGINS: process.env.GATEHOUSE_PLUGINS || "bundled,gatehouse-plugin-hello",
  });
  // one gateway process, as before --workers (the workers have their own tests in apps/gateway;
  // GATEHOUSE_WORKERS=auto runs the e2e suite against a primary and workers)
  const stack = await startStack({ log, workers: "1" });
  cleanups.push(() => stack.stop());
  return {
    stack,
    env: {
      GATEHOUSE_ADMIN_URL: stack.urls.admin,
      GATEHOUSE_PROXY_URL: stack.urls.proxy,
      GATEHOUSE_PROXY_TLS_URL: stack.urls.proxyTls,
      GATEHOUSE_CONTROL_URL: stack.urls.control,
      GATEHOUSE_CLUSTER_TOKEN: stack.clusterToken,
      GATEHOUSE_ADMIN_USER: stack.seed.admin?.username ?? "",
      GATEHOUSE_ADMIN_PASSWORD: stack.seed.admin?.password ?? "",
    },
  };
}

/**
 * The Playwright suite (e2e/playwright.config.ts) against a started stack (`env` from startE2eStack),
 * as two runs one after the other: project chromium (two workers, after setup), then shared-state
 * (one worker, --no-deps: it signs in with the sessions setup saved). Two runs rather than the
 * config's dependency, which would skip every shared-state test when one chromium test fails. Both
 * always run; resolves to the first non-zero exit code, else 0.
 * @param {{ env: Record<string, string> }} opts
 * @returns {Promise<number>}
 */
export async function runPlaywright({ env }) {
  const cli = join(root, "node_modules/@playwright/test/cli.js");
  const cwd = join(root, "e2e");
  const parallel = await run(process.execPath, [cli, "test", "--project=chromium"], {
    cwd,
    env: { ...process.env, ...env },
  });
  const serial = await run(process.execPath, [cli, "test", "--project=shared-state", "--no-deps"], {
    cwd,
    // its HTML report beside the first run's (each run's report replaces its folder)
    env: { ...process.env, ...env, PLAYWRIGHT_HTML_OUTPUT_DIR: "playwright-report/shared-state" },
  });
  return parallel || serial;
}
