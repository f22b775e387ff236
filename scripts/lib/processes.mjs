// Child-process supervision shared by `npm start` and `npm test`: start a child with
// prefixed output, wait until an HTTP endpoint answers, and stop children cleanly.
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * Start a long-running child process whose output is prefixed with its name.
 * @param {string} name
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, quiet?: boolean }} [opts]
 */
export function startChild(name, command, args, opts = {}) {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[${name}] `;
  const forward = (stream, target) => {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (opts.quiet) return;
      for (const line of lines) target.write(prefix + line + "\n");
    });
    stream.on("end", () => {
      if (pending && !opts.quiet) target.write(prefix + pending + "\n");
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  const exited = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { name, child, exited };
}

/**
 * Stop children: SIGTERM each, wait up to `graceMs`, then SIGKILL what is left.
 * @param {Array<{ name: string, child: import("node:child_process").ChildProcess, exited: Promise<unknown> }>} children
 */
export async function stopChildren(children, graceMs = 10_000) {
  await Promise.all(
    children.map(async ({ child, exited }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/**
 * Keep a child running: `start()` starts it (a startChild result); when it exits and `stop()` has
 * not been called, it is started again after a backoff (1 s, doubling up to 30 s; back to 1 s once a
 * run lasted 60 s). Every start and exit is logged with the child's pid.
 * @param {string} name
 * @param {() => ReturnType<typeof startChild>} start
 * @param {{ log: (line: string) => void, warn: (line: string) => void, minBackoffMs?: number, maxBackoffMs?: number, stableMs?: number }} opts
 */
export function supervise(name, start, opts) {
  const min = opts.minBackoffMs ?? 1_000;
  const max = opts.maxBackoffMs ?? 30_000;
  const stable = opts.stableMs ?? 60_000;
  let backoff = min;
  let stopped = false;
  let timer;
  let restarts = 0;
  let current;
  const run = () => {
    current = start();
    const startedAt = Date.now();
    opts.log(`${name} started (pid ${current.child.pid})`);
    current.exited.then(({ code, signal }) => {
      if (stopped) return;
      if (Date.now() - startedAt >= stable) backoff = min;
      opts.warn(
        `${name} exited unexpectedly (code ${code}, signal ${signal}); restarting it in ${backoff / 1000} s`,
      );
      timer = setTimeout(() => {
        if (stopped) return;
        restarts++;
        run();
      }, backoff);
      backoff = Math.min(backoff * 2, max);
    });
  };
  run();
  return {
    name,
    /** the running (or last) child: { name, child, exited } */
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    /** stop restarting, then stop the child (SIGTERM, SIGKILL after `graceMs`) */
    async stop(graceMs) {
      stopped = true;
      clearTimeout(timer);
      await stopChildren([current], graceMs);
    },
  };
}

/**
 * Poll `url` until it answers with a 2xx status, the child exits, or the timeout passes.
 * @param {string} url
 * @param {{ timeoutMs?: number, child?: { name: string, exited: Promise<{code: number|null, signal: string|null}> }, headers?: Record<string,string> }} [opts]
 */
export async function waitForHttp(url, opts = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  let exited = null;
  opts.child?.exited.then((r) => (exited = r));
  let lastError = "no answer yet";
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(
        `${opts.child?.name} exited (code ${exited.code}, signal ${exited.signal}) before ${url} answered`,
      );
    }
    try {
      const res = await fetch(url, { headers: opts.headers, signal: AbortSignal.timeout(5_000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${url} (${lastError})`);
}

/**
 * Run a command to completion with inherited stdio; resolves to its exit code.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Promise<number>}
 */
export function run(command, args, opts = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: "inherit",
    });
    child.once("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once("error", () => resolve(1));
  });
}
