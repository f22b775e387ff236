// Issue 12's rows of `npm run bench` (`--skip-workers` leaves them out):
//
// - upstream_vs_single_target: one gateway (pinned to core 0 like the other proxies) serving a
//   service that balances round-robin over a 3-target upstream with active checks (every target
//   probed every second) and passive checks on, against a service with one target. The targets are
//   three nginx `return 200` servers (one nginx, three ports, on the load's core). Target >= 0.95.
// - workers_2_vs_1: throughput of a gateway run with `--workers 2` over one run with `--workers 1`
//   (same config, the single-target route). Neither is pinned (using every core is the point);
//   wrk, the load generator, runs on the same machine, pinned to core 1 like every other row, so on
//   a 2-core machine the second worker shares its core with wrk and the targets. No target.
//
// Rounds are interleaved (ABBA) like run.mjs's; each ratio is the median of the per-round ratios.
// CPU per request is the gateway process's own: for `--workers 2` that is only the primary, so the
// workers row has no CPU ratio.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cpuRatioOf,
  nginxConfig,
  prepareScenarios,
  ratioOf,
  runRounds,
  summarize,
  wrkRunner,
} from "./lib.mjs";

const PORTS = {
  targets: [18100, 18101, 18102],
  upstream: 18103,
  upstreamControl: 18104,
  workers1: 18105,
  workers1Control: 18106,
  workers2: 18107,
  workers2Control: 18108,
};

/**
 * @param {object} ctx run.mjs's: tools ({ nginx, wrk }), work dir, launch(name, core, cmd, args,
 *   env) (core null = not pinned), pin(core, cmd, args), gatewayArgs(file, port, control), gwEnv,
 *   token, rounds, duration, connections, waitFor(url, headers)
 */
export async function benchWorkers(ctx) {
  const { tools, work, launch, pin, rounds, duration, connections } = ctx;
  const conf = join(work, "nginx-targets.conf");
  writeFileSync(
    conf,
    nginxConfig(
      work,
      "nginx-targets",
      PORTS.targets
        .map((p) => `  server { listen 127.0.0.1:${p}; location / { return 200 "ok\\n"; } }`)
        .join("\n"),
    ),
  );
  launch("nginx targets", 1, tools.nginx, ["-c", conf, "-p", work]);
  const config = {
    _format_version: "3.0",
    services: [
      {
        name: "single",
        url: `http://127.0.0.1:${PORTS.targets[0]}`,
        routes: [{ name: "single", paths: ["/single"] }],
      },
      { name: "pooled", host: "pool", routes: [{ name: "pooled", paths: ["/pooled"] }] },
    ],
    upstreams: [
      {
        name: "pool",
        targets: PORTS.targets.map((p) => ({ target: `127.0.0.1:${p}` })),
        healthchecks: {
          active: {
            http_path: "/",
            timeout: 1,
            healthy: { interval: 1, successes: 1 },
            unhealthy: { interval: 1, http_failures: 1, tcp_failures: 1, timeouts: 1 },
          },
          passive: { unhealthy: { http_failures: 5, tcp_failures: 2, timeouts: 3 } },
        },
      },
    ],
  };
  const file = join(work, "gateway-upstream.json");
  writeFileSync(file, JSON.stringify(config));
  const gateway = (name, core, port, control, workers) =>
    launch(
      name,
      core,
      process.execPath,
      [...ctx.gatewayArgs(file, port, control), "--workers", String(workers)],
      ctx.gwEnv,
    );
  const upstream = gateway("gatehouse upstream", 0, PORTS.upstream, PORTS.upstreamControl, 1);
  const w1 = gateway("gatehouse --workers 1", null, PORTS.workers1, PORTS.workers1Control, 1);
  const w2 = gateway("gatehouse --workers 2", null, PORTS.workers2, PORTS.workers2Control, 2);
  const auth = { authorization: `Bearer ${ctx.token}` };
  await Promise.all(
    [PORTS.upstreamControl, PORTS.workers1Control, PORTS.workers2Control].map((p) =>
      ctx.waitFor(`http://127.0.0.1:${p}/v1/ready`, auth),
    ),
  );
  await sleep(1500); // a first round of probes: every target healthy

  const wrk = wrkRunner(tools, pin, connections);
  const scenarios = [
    {
      key: "upstream_single",
      label: "Gatehouse, single-target service",
      url: `http://127.0.0.1:${PORTS.upstream}/single`,
      pid: upstream.pid,
    },
    {
      key: "upstream_pooled",
      label: "Gatehouse, 3-target upstream, checks",
      url: `http://127.0.0.1:${PORTS.upstream}/pooled`,
      pid: upstream.pid,
    },
    {
      key: "workers_1",
      label: "Gatehouse --workers 1 (not pinned)",
      url: `http://127.0.0.1:${PORTS.workers1}/single`,
      pid: w1.pid,
    },
    {
      key: "workers_2",
      label: "Gatehouse --workers 2 (not pinned)",
      url: `http://127.0.0.1:${PORTS.workers2}/single`,
      pid: w2.pid,
    },
  ];
  await prepareScenarios(scenarios, wrk);
  const failures = [];
  const samples = runRounds(scenarios, { rounds, duration, failures, what: "workers/upstream " });
  return {
    scenarios,
    summary: summarize(scenarios, samples),
    ratios: {
      upstream_vs_single_target: ratioOf(samples, "upstream_pooled", "upstream_single"),
      workers_2_vs_1: ratioOf(samples, "workers_2", "workers_1"),
    },
    cpuRatios: {
      upstream_vs_single_target: cpuRatioOf(samples, "upstream_pooled", "upstream_single"),
      workers_2_vs_1: NaN,
    },
    failures,
  };
}
