#!/usr/bin/env node
// `npm run bench`: Gatehouse against its baselines, side by side in one run, rounds interleaved,
// all on loopback. An nginx `return 200` origin; nginx proxy_pass (upstream keepalive), bare
// http-proxy with a keep-alive agent, Gatehouse with 0 plugins, a request-termination route and
// Gatehouse with 10,000 routes loaded; HTTPS and HTTP/2 on the TLS listener against nginx
// terminating TLS (bench/tls.mjs); the Node peers fast-gateway and @fastify/http-proxy
// (bench/peers.mjs). wrk drives the load (h2load for HTTP/2). Proxies under test are pinned to core 0,
// wrk and the origin to core 1 where the machine has two cores or more.
// Prints a table and writes bench/results.json. `--profile`: after the measured rounds, each
// Gatehouse scenario once more on a fresh gateway run under `--cpu-prof`, and the admin of the
// 100,000-route push row under `--cpu-prof`: bench/profiles/<scenario>.cpuprofile + .txt
// (bench/profile.mjs); the measured figures never come from a profiled process. Ratios are medians of per-round ratios; the CPU
// time each proxy process spent per request (/proc) is reported next to them, as the steadier
// measure on a shared machine. A wrk run with socket errors or non-2xx answers fails the run.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  benchConfig,
  cpuRatioOf as cpuRatioOfSamples,
  freePort,
  mixedRoutes,
  ratioRangeOf,
  nginxConfig,
  prepareScenarios,
  ratioOf as ratioOfSamples,
  round,
  runRounds,
  summarize,
  tableRow,
  wrkRunner,
} from "./lib.mjs";
import { benchPeers, PEER_TARGETS } from "./peers.mjs";
import { cpuProfArgs, writeProfile } from "./profile.mjs";
import { benchPush } from "./push.mjs";
import { benchRoutes100k, ROUTES_TARGETS } from "./routes.mjs";
import { benchSoak } from "./soak.mjs";
import { benchTls } from "./tls.mjs";
import { benchWorkers } from "./workers.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const profilesDir = join(root, "bench/profiles");
const PUSH_100K_TARGETS = { push_p99_ms_100k_routes: 1000, write_p99_ms_100k_routes: 2000 };
const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "3" },
    connections: { type: "string", default: "32" },
    routes: { type: "string", default: "10000" },
    "skip-push": { type: "boolean", default: false },
    "skip-push-100k": { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "soak-pushes": { type: "string", default: "60" },
    "skip-soak": { type: "boolean", default: false },
    "skip-tls": { type: "boolean", default: false },
    "skip-workers": { type: "boolean", default: false },
    "skip-peers": { type: "boolean", default: false },
    "skip-routes-100k": { type: "boolean", default: false },
  },
});
const rounds = Number(args.rounds);
const duration = Number(args.duration);
const connections = Number(args.connections);
const routeCount = Number(args.routes);
const soakPushes = Number(args["soak-pushes"]);
if (!Number.isInteger(soakPushes) || soakPushes < 10) {
  console.error("--soak-pushes: must be an integer >= 10");
  process.exit(2);
}
for (const [name, v] of Object.entries({ rounds, duration, connections, routes: routeCount })) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name}: must be a positive integer`);
    process.exit(2);
  }
}

function which(cmd) {
  const r = spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

function ensureTools() {
  let nginx = which("nginx") ?? (existsSync("/usr/sbin/nginx") ? "/usr/sbin/nginx" : null);
  let wrk = which("wrk");
  // h2load (HTTP/2 load; wrk speaks HTTP/1.1 only): the TLS rows
  let h2load = which("h2load");
  const needH2load = !args["skip-tls"];
  if ((!nginx || !wrk || (needH2load && !h2load)) && process.getuid?.() === 0) {
    console.log("Installing Debian's nginx-light, wrk and nghttp2-client for the benchmark...");
    execFileSync("apt-get", ["update", "-q"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-q", "nginx-light", "wrk", "nghttp2-client"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    nginx = which("nginx") ?? "/usr/sbin/nginx";
    wrk = which("wrk");
    h2load = which("h2load");
  }
  if (!nginx || !wrk || (needH2load && !h2load)) {
    console.error(
      "The benchmark needs nginx, wrk and h2load: apt-get install -y nginx-light wrk nghttp2-client" +
        " (or --skip-tls: no h2load needed)",
    );
    process.exit(2);
  }
  return { nginx, wrk, h2load, taskset: which("taskset") };
}

const tools = ensureTools();
const cores = availableParallelism();
const pin = (core, cmd, cmdArgs) =>
  core !== null && tools.taskset && cores >= 2
    ? [tools.taskset, ["-c", String(core), cmd, ...cmdArgs]]
    : [cmd, cmdArgs];

const work = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
const children = [];
function launch(name, core, cmd, cmdArgs, env = process.env) {
  const [c, a] = pin(core, cmd, cmdArgs);
  const child = spawn(c, a, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.on("exit", (code) => {
    if (!stopping && code !== 0)
      console.error(`${name} exited with ${code}: ${stderr.slice(-2000)}`);
  });
  children.push(child);
  return child;
}
let stopping = false;
async function stopAll() {
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await sleep(500);
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  rmSync(work, { recursive: true, force: true });
}
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));
process.on("SIGTERM", () => void stopAll().then(() => process.exit(143)));

async function waitFor(url, headers) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { headers });
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${url}`);
}

// ports free on this machine now (another stack may be running: never fixed ports)
const PORTS = {
  origin: await freePort(),
  nginxProxy: await freePort(),
  httpProxy: await freePort(),
  nodeHttp: await freePort(),
  gateway: await freePort(),
  gatewayControl: await freePort(),
  gateway10k: await freePort(),
  gateway10kControl: await freePort(),
};

// --- the origin and nginx proxy_pass -----------------------------------------------------------
const nginxConf = join(work, "nginx.conf");
writeFileSync(
  nginxConf,
  nginxConfig(
    work,
    "nginx",
    `  server { listen 127.0.0.1:${PORTS.origin}; location / { return 200 "ok\\n"; } }`,
  ),
);
const nginxProxyConf = join(work, "nginx-proxy.conf");
writeFileSync(
  nginxProxyConf,
  nginxConfig(
    work,
    "nginx-proxy",
    `  upstream origin { server 127.0.0.1:${PORTS.origin}; keepalive 64; }
  server {
    listen 127.0.0.1:${PORTS.nginxProxy};
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`,
  ),
);

// --- Gatehouse configurations ------------------------------------------------------------------
const origin = `http://127.0.0.1:${PORTS.origin}`;
const baseConfig = benchConfig(origin);
const bigConfig = structuredClone(baseConfig);
const many = mixedRoutes(routeCount - 2);
bigConfig.services.push({ name: "many", url: origin, routes: many });
const smallFile = join(work, "gateway-1.json");
const bigFile = join(work, "gateway-10k.json");
writeFileSync(smallFile, JSON.stringify(baseConfig));
writeFileSync(bigFile, JSON.stringify(bigConfig));

const gatewayMain = join(root, "apps/gateway/dist/main.js");
if (!existsSync(gatewayMain)) {
  console.error("apps/gateway is not built: run `npm run build` first.");
  process.exit(2);
}
const token = "bench-cluster-token-0123456789";
const gwEnv = { ...process.env, GATEHOUSE_CLUSTER_TOKEN: token, NODE_ENV: "production" };

try {
  const originProc = launch("nginx origin", 1, tools.nginx, ["-c", nginxConf, "-p", work]);
  const nginxProxy = launch("nginx proxy", 0, tools.nginx, ["-c", nginxProxyConf, "-p", work]);
  const httpProxy = launch("http-proxy", 0, process.execPath, [
    join(root, "bench/bare-http-proxy.mjs"),
    String(PORTS.httpProxy),
    origin,
  ]);
  const nodeHttp = launch("node http", 0, process.execPath, [
    join(root, "bench/node-http.mjs"),
    String(PORTS.nodeHttp),
  ]);
  const gwArgs = (file, port, control) => [
    gatewayMain,
    "--config",
    file,
    "--listen",
    `127.0.0.1:${port}`,
    "--listen-tls",
    "127.0.0.1:0",
    "--control",
    `127.0.0.1:${control}`,
    "--cache-dir",
    join(work, `cache-${port}`),
    "--log-level",
    "warn",
  ];
  const gateway = launch(
    "gatehouse",
    0,
    process.execPath,
    gwArgs(smallFile, PORTS.gateway, PORTS.gatewayControl),
    gwEnv,
  );
  const gateway10k = launch(
    "gatehouse 10k",
    0,
    process.execPath,
    gwArgs(bigFile, PORTS.gateway10k, PORTS.gateway10kControl),
    gwEnv,
  );
  const auth = { authorization: `Bearer ${token}` };
  await Promise.all([
    waitFor(`${origin}/`),
    waitFor(`http://127.0.0.1:${PORTS.nginxProxy}/`),
    waitFor(`http://127.0.0.1:${PORTS.httpProxy}/`),
    waitFor(`http://127.0.0.1:${PORTS.nodeHttp}/`),
    waitFor(`http://127.0.0.1:${PORTS.gatewayControl}/v1/ready`, auth),
    waitFor(`http://127.0.0.1:${PORTS.gateway10kControl}/v1/ready`, auth),
  ]);

  const scenarios = [
    {
      key: "origin",
      label: "origin direct (nginx return 200)",
      url: `${origin}/proxied`,
      pid: originProc.pid,
    },
    {
      key: "nginx_proxy",
      label: "nginx proxy_pass, keepalive",
      url: `http://127.0.0.1:${PORTS.nginxProxy}/proxied`,
      pid: nginxProxy.pid,
    },
    {
      key: "http_proxy",
      label: "bare http-proxy, keep-alive agent",
      url: `http://127.0.0.1:${PORTS.httpProxy}/proxied`,
      pid: httpProxy.pid,
    },
    {
      key: "node_http",
      label: "Node http server answering 200 (floor)",
      url: `http://127.0.0.1:${PORTS.nodeHttp}/terminated`,
      pid: nodeHttp.pid,
    },
    {
      key: "gateway",
      label: "Gatehouse, 1 route, 0 plugins",
      url: `http://127.0.0.1:${PORTS.gateway}/proxied`,
      pid: gateway.pid,
      profileConfig: smallFile,
    },
    {
      key: "termination",
      label: "Gatehouse, request-termination",
      url: `http://127.0.0.1:${PORTS.gateway}/terminated`,
      pid: gateway.pid,
      profileConfig: smallFile,
    },
    {
      key: "plugin_chain",
      label: "Gatehouse, key-auth+rate-limit+transformer",
      url: `http://127.0.0.1:${PORTS.gateway}/chain`,
      headers: { apikey: "bench-key" },
      pid: gateway.pid,
      profileConfig: smallFile,
    },
    {
      key: "gateway_10k",
      label: `Gatehouse, ${routeCount} routes, 0 plugins`,
      url: `http://127.0.0.1:${PORTS.gateway10k}/proxied`,
      pid: gateway10k.pid,
      profileConfig: bigFile,
    },
  ];
  await prepareScenarios(scenarios, wrkRunner(tools, pin, connections));
  const failures = [];
  const samples = runRounds(scenarios, { rounds, duration, failures });
  const summary = summarize(scenarios, samples);
  const ratioOf = (a, b) => ratioOfSamples(samples, a, b);
  const cpuRatioOf = (a, b) => cpuRatioOfSamples(samples, a, b);
  // each ratio once: [scenario, baseline]; its rps ratio, CPU ratio and spread are derived
  const pairs = {
    gateway_vs_http_proxy: ["gateway", "http_proxy"],
    routes_10k_vs_1: ["gateway_10k", "gateway"],
    termination_vs_proxied: ["termination", "gateway"],
    plugin_chain_vs_gateway: ["plugin_chain", "gateway"],
    termination_vs_node_http: ["termination", "node_http"],
  };
  const derive = (f) =>
    Object.fromEntries(Object.entries(pairs).map(([k, [a, b]]) => [k, f(a, b)]));
  const ratios = derive(ratioOf);
  const cpuRatios = derive(cpuRatioOf);
  const ratioRanges = derive((a, b) => ratioRangeOf(samples, a, b));
  const targets = {
    gateway_vs_http_proxy: 0.95,
    routes_10k_vs_1: 0.97,
    termination_vs_proxied: 4, // issue 15 (issue 3 had asked for 2.5)
    plugin_chain_vs_gateway: 0.85,
  };

  console.log(
    `\n${"scenario".padEnd(42)} ${"rps".padStart(9)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"cpu µs/req".padStart(11)}`,
  );
  for (const s of scenarios) {
    const x = summary[s.key];
    console.log(tableRow(x));
  }
  console.log(
    `\n${"ratio (median of rounds)".padEnd(24)} ${"rps".padStart(6)}  ${"by cpu".padStart(6)}`,
  );
  for (const [k, v] of Object.entries(ratios)) {
    const verdict =
      targets[k] === undefined
        ? "(no target: the floor of any answer Node's HTTP server gives)"
        : `(target >= ${targets[k]}) ${v >= targets[k] ? "met" : "MISSED"}`;
    const [lo, hi] = ratioRanges[k];
    console.log(
      `${k.padEnd(24)} ${v.toFixed(3)}  ${cpuRatios[k].toFixed(3)}  [rounds ${lo.toFixed(2)}-${hi.toFixed(2)}]  ${verdict}`,
    );
  }
  // --profile: each Gatehouse scenario again, alone, on a fresh gateway under --cpu-prof (the
  // figures above come from processes without it), `duration` seconds of the same load
  const profiles = [];
  if (args.profile) {
    const ports = { control: await freePort(), proxy: await freePort() };
    for (const s of scenarios.filter((x) => x.profileConfig)) {
      const dir = join(work, `profile-${s.key}`);
      const proc = launch(
        `gatehouse (profiled, ${s.key})`,
        0,
        process.execPath,
        [...cpuProfArgs(dir), ...gwArgs(s.profileConfig, ports.proxy, ports.control)],
        gwEnv,
      );
      await waitFor(`http://127.0.0.1:${ports.control}/v1/ready`, auth);
      await profileUnderLoad(s.key, proc, dir, s.url.replace(/:\d+\//, `:${ports.proxy}/`), s);
    }
    // the baselines the same way, for side-by-side profiles (bare http-proxy, Node's floor)
    for (const [key, script, extra] of [
      ["http_proxy", "bench/bare-http-proxy.mjs", [origin]],
      ["node_http", "bench/node-http.mjs", []],
    ]) {
      const dir = join(work, `profile-${key}`);
      const proc = launch(`${key} (profiled)`, 0, process.execPath, [
        ...cpuProfArgs(dir),
        join(root, script),
        String(ports.proxy),
        ...extra,
      ]);
      await waitFor(`http://127.0.0.1:${ports.proxy}/`);
      await profileUnderLoad(key, proc, dir, `http://127.0.0.1:${ports.proxy}/proxied`, {});
    }
  }
  /** warm-up, then `duration` s of load; the profile's summary covers that load only */
  async function profileUnderLoad(key, proc, dir, url, s) {
    const wrk = wrkRunner(tools, pin, connections);
    wrk(url, 1, s.headers);
    const from = Number(process.hrtime.bigint() / 1000n);
    const sample = wrk(url, duration, s.headers);
    const to = Number(process.hrtime.bigint() / 1000n);
    proc.kill("SIGTERM");
    while (proc.exitCode === null && proc.signalCode === null) await sleep(100);
    const load = { window: [from, to], requests: sample.requests };
    const written = writeProfile(dir, profilesDir, key, load);
    if (written) profiles.push({ scenario: key, ...written });
    console.log(`profile of ${key}: ${written ? written.summary : "none written"}`);
  }
  // what the modules (bench/tls.mjs, peers.mjs, routes.mjs, workers.mjs) get from this run
  const moduleCtx = {
    tools,
    work,
    launch,
    pin,
    waitFor,
    origin,
    config: baseConfig,
    gatewayMain,
    gatewayArgs: gwArgs,
    gwEnv,
    token,
    gateway: { url: `http://127.0.0.1:${PORTS.gateway}/proxied`, pid: gateway.pid },
    rounds,
    duration,
    connections,
  };
  // a module's rows (bench/tls.mjs, peers.mjs, routes.mjs, workers.mjs): into the table, the summary, the failures
  const addRows = (mod) => {
    console.log("");
    for (const s of mod.scenarios) {
      summary[s.key] = mod.summary[s.key];
      console.log(tableRow(summary[s.key]));
    }
    failures.push(...mod.failures);
  };
  // the TLS listener: HTTPS and HTTP/2 against nginx terminating TLS, same origin (bench/tls.mjs)
  const tls = args["skip-tls"] ? null : await benchTls(moduleCtx);
  if (tls) {
    addRows(tls);
    console.log("(HTTP/2 rows: h2load reports no percentiles; p50 is its mean, p99 its max)");
    for (const [k, v] of Object.entries(tls.ratios)) {
      ratios[k] = v;
      cpuRatios[k] = tls.cpuRatios[k];
      console.log(`${k.padEnd(24)} ${v.toFixed(3)}  ${tls.cpuRatios[k].toFixed(3)}  (no target)`);
    }
  }
  // issue 15: Gatehouse (0 plugins) against the Node peers fast-gateway and @fastify/http-proxy,
  // same origin, keep-alive, rounds interleaved with the gateway's own row (bench/peers.mjs)
  const peers = args["skip-peers"] ? null : await benchPeers(moduleCtx);
  if (peers) {
    addRows(peers);
    for (const [k, v] of Object.entries(peers.ratios)) {
      ratios[k] = v;
      cpuRatios[k] = peers.cpuRatios[k];
      targets[k] = PEER_TARGETS[k];
      ratioRanges[k] = peers.ranges[k];
      console.log(
        `${k.padEnd(24)} ${v.toFixed(3)}  ${peers.cpuRatios[k].toFixed(3)}  [rounds ${peers.ranges[k].map((x) => x.toFixed(2)).join("-")}]  (target >= ${targets[k]}) ${v >= targets[k] ? "met" : "MISSED"}`,
      );
    }
  }
  // issue 15: 100,000 routes: the time to apply them through PUT /v1/config, the RSS they take,
  // and proxying with them loaded against 1 route (bench/routes.mjs)
  const routesRun = args["skip-routes-100k"] ? null : await benchRoutes100k(moduleCtx);
  if (routesRun) {
    addRows(routesRun);
    const r = routesRun.ratios;
    Object.assign(ratios, r);
    Object.assign(cpuRatios, routesRun.cpuRatios);
    Object.assign(targets, ROUTES_TARGETS);
    const c = routesRun.cpuRatios.routes_100k_vs_1;
    ratioRanges.routes_100k_vs_1 = routesRun.ranges.routes_100k_vs_1;
    console.log(
      `routes_100k_vs_1         ${r.routes_100k_vs_1.toFixed(3)}  ${c.toFixed(3)}  [rounds ${routesRun.ranges.routes_100k_vs_1.map((x) => x.toFixed(2)).join("-")}]  (target >= 0.95) ${r.routes_100k_vs_1 >= 0.95 ? "met" : "MISSED"}`,
    );
    console.log(
      `compile_ms_100k_routes   ${r.compile_ms_100k_routes}  (target <= 1500) ${r.compile_ms_100k_routes <= 1500 ? "met" : "MISSED"}; per 10,000 routes: RSS ${r.rss_mb_per_10k_routes} MB, heap ${r.heap_mb_per_10k_routes} MB`,
    );
  }
  // issue 12: a 3-target upstream under health checks vs one target, and --workers 2 over
  // --workers 1 with the load generator on the same machine (bench/workers.mjs)
  const workersRun = args["skip-workers"] ? null : await benchWorkers(moduleCtx);
  if (workersRun) {
    addRows(workersRun);
    const u = workersRun.ratios.upstream_vs_single_target;
    const w = workersRun.ratios.workers_2_vs_1;
    Object.assign(ratios, workersRun.ratios);
    Object.assign(cpuRatios, workersRun.cpuRatios);
    targets.upstream_vs_single_target = 0.95;
    console.log(
      `upstream_vs_single_target ${u.toFixed(3)}  ${workersRun.cpuRatios.upstream_vs_single_target.toFixed(3)}  (target >= 0.95) ${u >= 0.95 ? "met" : "MISSED"}`,
    );
    console.log(
      `workers_2_vs_1           ${w.toFixed(3)}  (no target: wrk and the targets share the ${cores} cores)`,
    );
  }
  // config distribution: committed change -> applied on two data planes, 10k routes (bench/push.mjs)
  const push = args["skip-push"] ? null : await benchPush({ routes: routeCount });
  if (push) {
    // (named for 10,000 routes whatever --routes says, as before)
    ratios.push_p99_ms_10k_routes = push.details.committed_to_applied_ms.p99;
    targets.push_p99_ms_10k_routes = 1000;
    const met = ratios.push_p99_ms_10k_routes <= 1000 ? "met" : "MISSED";
    console.log(
      `push_p99_ms_10k_routes   ${ratios.push_p99_ms_10k_routes}  (target <= 1000) ${met}`,
    );
  }
  // issue 15: the same with 100,000 routes in the admin's database: committed -> applied on both
  // (push_p99_ms_100k_routes) and request sent -> applied on both (write_p99_ms_100k_routes)
  const push100k = args["skip-push-100k"]
    ? null
    : await benchPush({ routes: 100_000, profile: args.profile ? profilesDir : undefined });
  if (push100k) {
    for (const [k, target] of Object.entries(PUSH_100K_TARGETS)) {
      ratios[k] = push100k.rows[k];
      targets[k] = target;
      const met = ratios[k] <= target ? "met" : "MISSED";
      console.log(`${k.padEnd(24)} ${ratios[k]}  (target <= ${target}) ${met}`);
    }
  }
  // memory under config churn: RSS growth of the gateway and the admin over N pushes after a
  // warm-up, 1,500 routes, traffic throughout (bench/soak.mjs)
  const soak = args["skip-soak"] ? null : await benchSoak({ pushes: soakPushes });
  if (soak) {
    const g = soak.soak_rss_growth_mb;
    ratios.soak_rss_growth_mb_gateway = g.gateway;
    ratios.soak_rss_growth_mb_admin = g.admin;
    targets.soak_rss_growth_mb_gateway = 10;
    targets.soak_rss_growth_mb_admin = 20;
    const verdict = (v, t) => (v <= t ? "met" : "MISSED");
    console.log(
      `soak_rss_growth_mb        gateway ${g.gateway} (target <= 10) ${verdict(g.gateway, 10)}, admin ${g.admin} (target <= 20) ${verdict(g.admin, 20)}  over ${soak.details.pushes} pushes`,
    );
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    settings: {
      rounds,
      duration_s: duration,
      connections,
      routes: routeCount,
      pinned: Boolean(tools.taskset && cores >= 2),
    },
    load_average: loadavg().map(round),
    ratios,
    ratio_ranges: ratioRanges,
    cpu_ratios: cpuRatios,
    targets,
    scenarios: summary,
    tls: tls ? tls.settings : null,
    push: push?.details ?? null,
    push_100k: push100k?.details ?? null,
    profiles: profiles.length > 0 ? profiles : null,
    routes_100k: routesRun?.details ?? null,
    soak: soak ? { soak_rss_growth_mb: soak.soak_rss_growth_mb, ...soak.details } : null,
    errors: failures,
  };
  writeFileSync(join(root, "bench/results.json"), JSON.stringify(result, null, 2) + "\n");
  console.log("\nwrote bench/results.json");
  if (failures.length > 0) {
    console.error(
      `\nFAILED: ${failures.length} wrk run(s) saw errors, the numbers above are not valid:\n  ${failures.join("\n  ")}`,
    );
    process.exitCode = 1;
  }
} finally {
  await stopAll();
}
