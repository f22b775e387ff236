#!/usr/bin/env node
// `npm test`: lint + format check + typecheck, build, unit and integration tests against
// real PostgreSQL (DATABASE_URL, else an embedded one), then the Playwright e2e suite
// against the whole stack. Exits non-zero when any step fails.
import { join } from "node:path";
import { run } from "./lib/processes.mjs";
import { ensureDatabaseServer, runPlaywright, startE2eStack } from "./lib/e2e-stack.mjs";
import { root } from "./lib/stack.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.TURBO_TELEMETRY_DISABLED = "1";
process.env.FORCE_COLOR ??= "0";

const node = process.execPath;
const turbo = join(root, "node_modules/turbo/bin/turbo");
const results = [];
const cleanups = [];

async function step(name, fn) {
  const started = Date.now();
  console.log(`\n=== ${name} ===`);
  let ok = false;
  try {
    ok = (await fn()) === 0;
  } catch (err) {
    console.error(`${name}: ${err instanceof Error ? err.stack : err}`);
  }
  const seconds = (Date.now() - started) / 1000;
  results.push({ name, ok, seconds });
  console.log(`\n=== ${name}: ${ok ? "ok" : "FAIL"} in ${seconds.toFixed(1)} s ===`);
  return ok;
}

async function cleanup() {
  for (const fn of cleanups.reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${err instanceof Error ? err.message : err}`);
    }
  }
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: cleaning up...`);
    void cleanup().then(() => process.exit(130));
  });
}

const turboArgs = ["--output-logs=new-only", "--log-order=grouped", "--log-prefix=task"];

// The three are independent: run side by side (turbo already runs its tasks in parallel).
await step("lint, format check, typecheck", async () => {
  const codes = await Promise.all([
    run(node, [turbo, "run", "lint", "typecheck", ...turboArgs], { cwd: root }),
    run(node, [join(root, "node_modules/eslint/bin/eslint.js"), "scripts", "bench"], {
      cwd: root,
    }),
    run(node, [join(root, "node_modules/prettier/bin/prettier.cjs"), "--check", "."], {
      cwd: root,
    }),
  ]);
  return codes.find((code) => code !== 0) ?? 0;
});

const built = await step("build", () =>
  run(node, [turbo, "run", "build", ...turboArgs], { cwd: root }),
);

// One PostgreSQL server for every test: yours (DATABASE_URL) or an embedded one in a temp dir.
if (built) {
  await ensureDatabaseServer({ log: (line) => console.log(`\n${line}`), cleanups });
}

if (built) {
  await step("unit + integration tests", () =>
    run(node, [turbo, "run", "test", "--concurrency=2", ...turboArgs], { cwd: root }),
  );

  // `npm start` itself: port check, supervision (admin/gateway/database restarts), SIGHUP
  await step("npm start (scripts/test)", () =>
    run(node, ["--test", "--test-concurrency=1", "scripts/test/"], { cwd: root }),
  );

  await step("e2e (Playwright)", async () => {
    const { env } = await startE2eStack({
      log: (line) => console.log(`[stack] ${line}`),
      cleanups,
    });
    return runPlaywright({ env });
  });
}

await cleanup();

console.log("\n=== summary ===");
for (const r of results) {
  console.log(`${r.ok ? "ok  " : "FAIL"}  ${r.name}  (${r.seconds.toFixed(1)} s)`);
}
const failed = results.filter((r) => !r.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed || !built ? 1 : 0);
