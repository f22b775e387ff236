#!/usr/bin/env node
// `npm start`: check the ports, build what is not built yet, then run the whole stack until
// Ctrl-C / SIGTERM / SIGHUP. `npm start -- --no-build` skips the build step.
import { join } from "node:path";
import { run } from "./lib/processes.mjs";
import { checkPortsFree, root, stackPorts, startStack } from "./lib/stack.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
process.env.TURBO_TELEMETRY_DISABLED = "1";

let stack = null;
let shuttingDown = false;
const stopping = new AbortController();

async function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`\nReceived ${signal}, stopping Gatehouse...`);
  stopping.abort(); // a start in progress stops what it started so far
  if (stack) await stack.stop();
  else await starting?.catch(() => undefined);
  console.log("Gatehouse stopped.");
  process.exit(0);
}
let starting = null;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => void shutdown(signal));
}

// Before anything starts: every port must be free (a second `npm start`, another program).
try {
  await checkPortsFree(stackPorts());
} catch (err) {
  console.error(`Gatehouse cannot start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

if (!process.argv.includes("--no-build")) {
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
}
if (shuttingDown) process.exit(0);

try {
  starting = startStack({ signal: stopping.signal });
  stack = await starting;
} catch (err) {
  if (shuttingDown) await new Promise(() => undefined); // shutdown() exits
  console.error(`Gatehouse failed to start: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

const { urls, seed } = stack;
const lines = [
  "",
  "Gatehouse is running.",
  `  Admin UI + API   ${urls.admin}`,
  `  Gateway (proxy)  ${urls.proxy}     try: curl ${urls.proxy}/hello  or  curl ${urls.proxy}/echo`,
  `  Gateway (TLS)    ${urls.proxyTls}    the certificates of the Certificates page, by SNI`,
  `  Gateway control  ${urls.control}  (Bearer token in ${join(stack.dataDir, "cluster-token")})`,
  `  Gateway workers  ${process.env.GATEHOUSE_WORKERS || "auto"} (one per core; GATEHOUSE_WORKERS=N to change)`,
];
if (seed.admin) {
  lines.push(
    `  First admin login: user "${seed.admin.username}", password "${seed.admin.password}"`,
    "  (shown once: it is stored hashed; write it down now)",
  );
} else {
  lines.push('  Log in with the admin account created at first start (user "admin").');
}
lines.push(
  "A process that exits is restarted; the gateway keeps serving while the admin or the database is down.",
  "Press Ctrl-C to stop.",
  "",
);
console.log(lines.join("\n"));
