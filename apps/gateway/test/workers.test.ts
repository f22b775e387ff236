// --workers (issue 12, "every core"): two workers share the proxy listener, apply pushes together,
// a killed worker is replaced with the running version, /metrics adds them up, and shutdown drains
// every worker and leaves no process behind. Real processes and sockets (the built CLI).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { send, upstream } from "./helpers.js";
import { eventually } from "./upstream-helpers.js";
import { alive, startCluster } from "./helpers/workers.js";
import { run } from "./helpers/cli.js";

/** A document whose one route answers with the upstream's path: `/v<version>` */
function versioned(up: string, version: number): Record<string, unknown> {
  return {
    _format_version: "3.0",
    services: [{ name: "echo", url: `${up}/v${version}`, routes: [{ name: "r", paths: ["/"] }] }],
  };
}

test("two workers: a push is answered once both run it, requests reach both, a killed worker is replaced with the running version, /metrics adds them up", async (t) => {
  let slow: (() => void) | undefined;
  const up = await upstream(t, (req, res) => {
    if (req.url?.endsWith("/slow")) {
      slow = () => res.end(`late ${req.url}`);
      return;
    }
    res.end(req.url);
  });
  const gw = await startCluster(t, versioned(up, 0));
  const first = await gw.workers();
  assert.equal(first.length, 2);
  assert.ok(first.every((w) => w.state === "ready" && w.version === 0));

  // the push: 200 only once every worker runs version 5; then no request sees the old one
  const push = await gw.controlCall("PUT", "/v1/config", { version: 5, config: versioned(up, 5) });
  assert.equal(push.status, 200, push.text);
  assert.ok((await gw.workers()).every((w) => w.version === 5));
  for (let i = 0; i < 20; i++) {
    const r = await send(`${gw.proxy}/x`); // a fresh connection each: round-robin over workers
    assert.equal(r.text, "/v5/x");
  }
  const counts = await gw.workers();
  assert.ok(
    counts.every((w) => (w.requests ?? 0) > 0),
    `both workers served requests: ${JSON.stringify(counts)}`,
  );
  assert.equal(
    counts.reduce((n, w) => n + (w.requests ?? 0), 0),
    20,
  );

  // a stale version is refused by the primary (409), the running one stays everywhere
  const stale = await gw.controlCall("PUT", "/v1/config", { version: 4, config: versioned(up, 4) });
  assert.equal(stale.status, 409);

  // /metrics: the workers' request counters summed; the primary's own config gauge not summed
  const metrics = (await gw.controlCall("GET", "/metrics")).text;
  assert.match(metrics, /^gatehouse_requests_total\{route="r",status="200"\} 20$/m);
  assert.match(metrics, /^gatehouse_config_version 5$/m);

  // a killed worker: replaced, the replacement runs version 5 before it takes traffic
  const victim = counts[0]!;
  process.kill(victim.pid, "SIGKILL");
  await eventually(
    "a replacement worker",
    async () => {
      const ws = await gw.workers();
      return (
        ws.length === 2 &&
        !ws.some((w) => w.pid === victim.pid) &&
        ws.every((w) => w.state === "ready" && w.version === 5)
      );
    },
    60_000,
  );
  for (let i = 0; i < 10; i++) assert.equal((await send(`${gw.proxy}/y`)).text, "/v5/y");
  const status = (await gw.controlCall("GET", "/v1/status")).json() as {
    worker_restarts: number;
    version: number;
  };
  assert.equal(status.worker_restarts, 1);
  assert.equal(status.version, 5);

  // a push after the replacement reaches the new worker too
  const push6 = await gw.controlCall("PUT", "/v1/config", { version: 6, config: versioned(up, 6) });
  assert.equal(push6.status, 200, push6.text);
  assert.ok((await gw.workers()).every((w) => w.version === 6));
  for (let i = 0; i < 6; i++) assert.equal((await send(`${gw.proxy}/z`)).text, "/v6/z");

  // SIGTERM: an in-flight request finishes (drain), then every process is gone, exit 0
  const pids = (await gw.workers()).map((w) => w.pid);
  const inFlight = send(`${gw.proxy}/slow`);
  await eventually("the slow request upstream", () => slow !== undefined);
  gw.primary.child.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 300));
  slow?.();
  assert.equal((await inFlight).text, "late /v6/slow");
  assert.equal(await gw.primary.exited, 0, gw.primary.err());
  await eventually("no worker left", () => pids.every((pid) => !alive(pid)), 5_000);
});

test("a primary that dies (SIGKILL) leaves no orphan worker", async (t) => {
  const up = await upstream(t, (req, res) => res.end(req.url));
  const gw = await startCluster(t, versioned(up, 0));
  const pids = (await gw.workers()).map((w) => w.pid);
  assert.equal(pids.length, 2);
  gw.primary.child.kill("SIGKILL");
  await gw.primary.exited;
  await eventually("the workers exit", () => pids.every((pid) => !alive(pid)), 15_000);
});

test("a snapshot one worker refuses fails the push with that worker's message; every process keeps the running version", async (t) => {
  const up = await upstream(t, (req, res) => res.end(req.url));
  const plugin = fileURLToPath(new URL("./fixtures/refuse-in-worker.mjs", import.meta.url));
  const gw = await startCluster(t, versioned(up, 0), 2, ["--plugins", `bundled,${plugin}`]);
  const refused = versioned(up, 7);
  (refused.services as { plugins?: unknown[] }[])[0]!.plugins = [
    { name: "refuse-in-worker", config: { reason: "bad" } },
  ];
  const push = await gw.controlCall("PUT", "/v1/config", { version: 7, config: refused });
  assert.equal(push.status, 400, push.text);
  const errors = (push.json() as { errors: { path: string; message: string }[] }).errors;
  assert.match(errors[0]!.message, /^worker \d+ \(pid \d+\): refused in a worker: bad$/);
  assert.match(errors[0]!.path, /reason$/);
  const status = (await gw.controlCall("GET", "/v1/status")).json() as { version: number };
  assert.equal(status.version, 0);
  assert.ok((await gw.workers()).every((w) => w.version === 0));
  for (let i = 0; i < 4; i++) assert.equal((await send(`${gw.proxy}/a`)).text, "/v0/a");
  // the next good version applies everywhere
  const good = await gw.controlCall("PUT", "/v1/config", { version: 8, config: versioned(up, 8) });
  assert.equal(good.status, 200, good.text);
  for (let i = 0; i < 4; i++) assert.equal((await send(`${gw.proxy}/a`)).text, "/v8/a");
});

test("--workers and GATEHOUSE_WORKERS refuse what is not a positive integer or auto, naming the option", async () => {
  for (const [args, env, name] of [
    [["--workers", "0"], {}, "--workers"],
    [["--workers", "two"], {}, "--workers"],
    [[], { GATEHOUSE_WORKERS: "-1" }, "GATEHOUSE_WORKERS"],
  ] as const) {
    const p = run(["--listen", "127.0.0.1:0", "--control", "127.0.0.1:0", ...args], env);
    assert.equal(await p.exited, 2, p.err());
    assert.match(p.err(), new RegExp(`${name}: must be a positive integer`));
  }
});
