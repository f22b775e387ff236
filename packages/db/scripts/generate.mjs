#!/usr/bin/env node
// Runs `prisma generate` offline.
//
// The Prisma CLI insists on locating its native schema engine before `generate`, and downloading it
// needs the internet. `generate` never executes that engine, so when PRISMA_SCHEMA_ENGINE_BINARY is
// unset we point it at an existing file (this script). Users with a real engine set the variable
// themselves and it is left alone.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const require = createRequire(import.meta.url);
const prismaCli = require.resolve("prisma/build/index.js");

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY)
  env.PRISMA_SCHEMA_ENGINE_BINARY = fileURLToPath(import.meta.url);

const result = spawnSync(
  process.execPath,
  [prismaCli, "generate", "--config", resolve(repoRoot, "prisma.config.ts")],
  { cwd: repoRoot, env, stdio: "inherit" },
);
if (result.error) {
  console.error(`prisma generate could not start: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
