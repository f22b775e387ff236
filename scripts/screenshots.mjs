#!/usr/bin/env node
// `npm run screenshots`: the README's images (docs/*.png) from a fresh stack, the same one the e2e
// suite uses (own database, free ports): e2e/screenshots/*.shot.ts. Needs a build (`npm run build`)
// and DATABASE_URL (else an embedded PostgreSQL in a temp dir).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureDatabaseServer, startE2eStack } from "./lib/e2e-stack.mjs";
import { run } from "./lib/processes.mjs";
import { root } from "./lib/stack.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const cleanups = [];
let code = 1;
try {
  const log = (line) => console.log(`[stack] ${line}`);
  await ensureDatabaseServer({ log, cleanups });
  const { env } = await startE2eStack({ log, cleanups });
  // its own saved sessions: a test run against another stack keeps its own (e2e/.auth)
  const authDir = mkdtempSync(join(tmpdir(), "gatehouse-shots-auth-"));
  cleanups.push(() => rmSync(authDir, { recursive: true, force: true }));
  code = await run(
    process.execPath,
    [
      join(root, "node_modules/@playwright/test/cli.js"),
      "test",
      "--config",
      "playwright.screenshots.config.ts",
    ],
    { cwd: join(root, "e2e"), env: { ...process.env, ...env, GATEHOUSE_E2E_AUTH_DIR: authDir } },
  );
} finally {
  for (const fn of cleanups.reverse()) await fn();
}
process.exit(code);
