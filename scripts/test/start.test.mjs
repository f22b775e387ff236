// `npm start` (scripts/start.mjs) as a user runs it: the real script, real child processes, a real
// PostgreSQL (a fresh database on DATABASE_URL's server, or the embedded one). Needs a build
// (`npm run build`); the script runs with --no-build. Run: node --test scripts/test/
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { freePorts, root } from "../lib/stack.mjs";

const START = join(root, "scripts/start.mjs");
const STACK_TIMEOUT = 240_000;

/** The real start script on free ports and its own data dir; output collected and awaitable. */
async function startScript(t, env = {}) {
  const [admin, proxy, control, echo, proxyTls] = await freePorts(5);
  const dataDir = mkdtempSync(join(tmpdir(), "gh-start-"));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const bootstrap = randomBytes(18).toString("base64url");
  const childEnv = {
    ...process.env,
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ADMIN_PORT: String(admin),
    GATEHOUSE_PROXY_PORT: String(proxy),
    GATEHOUSE_CONTROL_PORT: String(control),
    GATEHOUSE_ECHO_PORT: String(echo),
    GATEHOUSE_PROXY_TLS_PORT: String(proxyTls),
    GATEHOUSE_BOOTSTRAP_TOKEN: bootstrap,
    ...env,
  };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const child = spawn(process.execPath, [START, "--no-build"], {
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const waiters = new Set();
  const onData = (chunk) => {
    output += chunk;
    for (const w of waiters) w();
  };
  child.stdout.setEncoding("utf8").on("data", onData);
  child.stderr.setEncoding("utf8").on("data", onData);
  const exited = new Promise((resolve) =>
    child.once("exit", (code, signal) => {
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
  });
  /** resolves with the match once `re` matches the output `times` times; rejects if the script exits first */
  const waitFor = (re, times = 1) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const all = [...output.matchAll(new RegExp(re.source, re.flags + "g"))];
        if (all.length >= times) {
          waiters.delete(check);
          resolve(all[times - 1]);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`start.mjs exited before ${re} appeared:\n${output.slice(-4000)}`));
        }
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    exited,
    waitFor,
    output: () => output,
    dataDir,
    bootstrap,
    urls: {
      admin: `http://127.0.0.1:${admin}`,
      proxy: `http://127.0.0.1:${proxy}`,
      control: `http://127.0.0.1:${control}`,
    },
    ports: { admin, proxy, control, echo },
  };
}

const pidOf = async (s, name, nth = 1) =>
  Number((await s.waitFor(new RegExp(`^${name} started \\(pid (\\d+)\\)`, "m"), nth))[1]);

/** GET `url` until it answers `status` (a service coming back up) */
async function until(url, status, headers = {}, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status === status) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(200);
  }
  throw new Error(`${url} never answered ${status} (last: ${last})`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

test("npm start refuses a taken port before starting anything, naming the port and its variable", async (t) => {
  const holder = createServer();
  await new Promise((resolve) => holder.listen(0, "127.0.0.1", resolve));
  t.after(() => holder.close());
  const taken = holder.address().port;
  const s = await startScript(t, { GATEHOUSE_PROXY_PORT: String(taken) });
  const { code } = await s.exited;
  assert.equal(code, 1);
  assert.match(
    s.output(),
    new RegExp(
      `Gatehouse cannot start: port ${taken} for the gateway proxy is already in use by another program ` +
        `\\(is Gatehouse already running\\?\\)\\. Stop what uses it, or choose another port: GATEHOUSE_PROXY_PORT=<port> npm start`,
    ),
  );
  assert.doesNotMatch(s.output(), /PostgreSQL|started \(pid/, "nothing was started");
  assert.equal(existsSync(join(s.dataDir, "gateway")), false, "nothing was written");
});

test("npm start refuses one port given to two parts of the stack", async (t) => {
  const s = await startScript(t, { GATEHOUSE_CONTROL_PORT: "0" });
  const { code } = await s.exited;
  assert.equal(code, 1);
  assert.match(
    s.output(),
    /GATEHOUSE_CONTROL_PORT: must be a port number between 1 and 65535, got "0"/,
  );
  const [port] = await freePorts(1);
  const d = await startScript(t, {
    GATEHOUSE_ADMIN_PORT: String(port),
    GATEHOUSE_ECHO_PORT: String(port),
  });
  assert.equal((await d.exited).code, 1);
  assert.match(
    d.output(),
    new RegExp(
      `port ${port} is set for both the admin UI \\+ API \\(GATEHOUSE_ADMIN_PORT\\) and the demo echo upstream \\(GATEHOUSE_ECHO_PORT\\)`,
    ),
  );
});

test(
  "the admin killed under a running stack: the gateway keeps serving and the admin comes back; a killed gateway comes back too",
  { timeout: STACK_TIMEOUT },
  async (t) => {
    const { createTestDatabase } = await import("@gatehouse/db/testing");
    const db = await createTestDatabase();
    t.after(() => db.drop());
    const s = await startScript(t, { DATABASE_URL: db.url });
    await s.waitFor(/Gatehouse is running/);
    const firstAdmin = await pidOf(s, "admin");

    // traffic through the gateway for the whole outage
    const statuses = [];
    let traffic = true;
    t.after(() => (traffic = false));
    const loop = (async () => {
      while (traffic) {
        try {
          const res = await fetch(`${s.urls.proxy}/echo/during-outage`);
          await res.arrayBuffer();
          statuses.push(res.status);
        } catch (err) {
          statuses.push(err.cause?.code ?? err.message);
        }
      }
    })();

    process.kill(firstAdmin, "SIGKILL");
    await s.waitFor(
      /admin exited unexpectedly \(code null, signal SIGKILL\); restarting it in 1 s/,
    );
    const secondAdmin = await pidOf(s, "admin", 2);
    assert.notEqual(secondAdmin, firstAdmin);
    await until(`${s.urls.admin}/api/health`, 200);
    // the restarted admin serves the API on the same database
    await until(`${s.urls.admin}/api/v1/services`, 200, {
      authorization: `Bearer ${s.bootstrap}`,
    });
    traffic = false;
    await loop;
    assert.ok(statuses.length > 0, "requests went through the gateway during the outage");
    const failed = statuses.filter((x) => x !== 200);
    assert.deepEqual(failed, [], `${failed.length} of ${statuses.length} requests failed`);
    assert.equal(s.child.exitCode, null, "npm start is still running");

    // the data plane is supervised as well: killed, it is restarted and serves again
    process.kill(await pidOf(s, "gateway"), "SIGKILL");
    await s.waitFor(/gateway exited unexpectedly \(code null, signal SIGKILL\)/);
    await pidOf(s, "gateway", 2);
    await until(`${s.urls.proxy}/echo/after-restart`, 200);

    s.child.kill("SIGTERM");
    assert.equal((await s.exited).code, 0);
  },
);

test(
  "the embedded PostgreSQL killed is restarted; SIGHUP then stops everything, the database included",
  { timeout: STACK_TIMEOUT },
  async (t) => {
    const s = await startScript(t, { DATABASE_URL: undefined });
    await s.waitFor(/Gatehouse is running/);
    const pidFile = join(s.dataDir, "postgres/pgdata/postmaster.pid");
    const postmaster = () => Number(readFileSync(pidFile, "utf8").split("\n", 1)[0]);
    const firstDb = postmaster();
    assert.ok(alive(firstDb));

    process.kill(firstDb, "SIGKILL");
    await s.waitFor(/!! the embedded PostgreSQL exited unexpectedly \(code null, signal SIGKILL\)/);
    await s.waitFor(/The embedded PostgreSQL is back/);
    const secondDb = postmaster();
    assert.notEqual(secondDb, firstDb);
    // the admin reaches it again (same URL: same port and password)
    await until(`${s.urls.admin}/api/v1/services`, 200, {
      authorization: `Bearer ${s.bootstrap}`,
    });

    const pids = [...s.output().matchAll(/^(?:echo|gateway|admin) started \(pid (\d+)\)/gm)].map(
      (m) => Number(m[1]),
    );
    assert.equal(pids.length, 3);
    s.child.kill("SIGHUP");
    assert.equal((await s.exited).code, 0);
    assert.match(s.output(), /^Received SIGHUP, stopping Gatehouse\.\.\.$/m);
    assert.match(s.output(), /^Gatehouse stopped\.$/m);
    assert.deepEqual(
      [...pids, secondDb].filter(alive),
      [],
      "no process of the stack outlives npm start",
    );
    assert.equal(existsSync(pidFile), false, "PostgreSQL shut down cleanly (no postmaster.pid)");
  },
);
