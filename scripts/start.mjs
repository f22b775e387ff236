#!/usr/bin/env node
// `npm start`: build what is not built yet, then run the whole stack until Ctrl-C / SIGTERM.
import { join } from "node:path";
import { run } from "./lib/processes.mjs";
import { root, startStack } from "./lib/stack.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.TURBO_TELEMETRY_DISABLED = "1";

let stack = null;
let shuttingDown = false;

async function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`\nReceived ${signal}, stopping Gatehouse...`);
  if (stack) await stack.stop();
  console.log("Gatehouse stopped.");
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

console.log("Building Gatehouse (cached after the first run)...");
const turbo = join(root, "node_modules/turbo/bin/turbo");
const code = await run(
  process.execPath,
  [turbo, "run", "build", "--output-logs=errors-only", "--log-prefix=none"],
  { cwd: root },
);
if (code !== 0) {
  console.error("Build failed; see the errors above.");
  process.exit(code);
}
if (shuttingDown) process.exit(0);

try {
  stack = await startStack();
} catch (err) {
  console.error(`Gatehouse failed to start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const { urls, seed } = stack;
const lines = [
  "",
  "Gatehouse is running.",
  `  Admin UI + API   ${urls.admin}`,
  `  Gateway (proxy)  ${urls.proxy}     try: curl ${urls.proxy}/hello  or  curl ${urls.proxy}/echo`,
  `  Gateway control  ${urls.control}  (Bearer token in ${join(stack.dataDir, "cluster-token")})`,
];
if (seed.admin) {
  lines.push(
    `  First admin login: user "${seed.admin.username}", password "${seed.admin.password}"`,
    "  (shown once: it is stored hashed; write it down now)",
  );
} else {
  lines.push('  Log in with the admin account created at first start (user "admin").');
}
lines.push("Press Ctrl-C to stop.", "");
console.log(lines.join("\n"));

const exited = await stack.firstExit;
if (!shuttingDown) {
  console.error(`${exited.name} exited unexpectedly; stopping Gatehouse.`);
  shuttingDown = true;
  await stack.stop();
  process.exit(1);
}
