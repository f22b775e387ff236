// Issue 15's 100,000-route rows of `npm run bench` (`--skip-routes-100k` leaves them out):
//
// - compile_ms_100k_routes: one gateway (pinned to core 0) started with run.mjs's small config gets
//   the 100,000-route document (run.mjs's base config + bench/lib.mjs's mixed routes: prefixes,
//   every 10th with a host, every 50th a regex) through `PUT /v1/config` on its control endpoint;
//   the time from sending the request until the 200 (validated, compiled, swapped in: applied) is
//   one sample. Three pushes, each after a push back to the small config; the median is the
//   figure (target <= 1,500 ms). The data plane's own breakdown (`last_apply_ms` of /v1/status)
//   is kept in the details. The request carries the whole document (JSON parse included).
// - rss_mb_per_10k_routes: the gateway's RSS (/proc) 2 s after the first push of the 100,000 routes
//   minus its RSS 2 s after it started (small config, never held the big one), divided by 10; and
//   heap_mb_per_10k_routes, the same with V8's used heap (the data plane's own /metrics). Both
//   include what the apply left for the garbage collector, so they are upper bounds; RSS is what
//   the process costs the machine (a process going back to a small config keeps most of it: V8
//   does not hand its heap back at once). No target: reported.
// - routes_100k_vs_1: that gateway, now running 100,000 routes, against run.mjs's 1-route gateway
//   on /proxied, rounds interleaved (ABBA). Target >= 0.95 (by rps, CPU alongside).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cpuRatioOf,
  median,
  mixedRoutes,
  prepareScenarios,
  ratioOf,
  ratioRangeOf,
  round,
  runRounds,
  summarize,
  wrkRunner,
} from "./lib.mjs";

const PORTS = { gateway: 18130, control: 18131 };
const ROUTES = 100_000;
export const ROUTES_TARGETS = { routes_100k_vs_1: 0.95, compile_ms_100k_routes: 1500 };

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * @param {object} ctx run.mjs's: tools, work, launch(name, core, cmd, args, env), pin, waitFor,
 *   gatewayArgs(file, port, control), gwEnv, token, origin, config (the small config), gateway
 *   ({ url, pid }: Gatehouse, 1 route, 0 plugins), rounds, duration, connections
 */
export async function benchRoutes100k(ctx) {
  const { work, launch, pin, rounds, duration, connections } = ctx;
  const small = ctx.config;
  const big = structuredClone(small);
  const bigRoutes = mixedRoutes(ROUTES - 3); // + proxied, chain and terminated: 100,000
  big.services.push({ name: "many", url: ctx.origin, routes: bigRoutes });
  const file = join(work, "gateway-routes-start.json");
  writeFileSync(file, JSON.stringify(small));
  const gw = launch(
    "gatehouse 100k",
    0,
    process.execPath,
    ctx.gatewayArgs(file, PORTS.gateway, PORTS.control),
    ctx.gwEnv,
  );
  const control = `http://127.0.0.1:${PORTS.control}`;
  const auth = { authorization: `Bearer ${ctx.token}` };
  await ctx.waitFor(`${control}/v1/ready`, auth);

  let version = 0;
  const bodies = { small: null, big: null };
  const push = async (which) => {
    version++;
    const body = JSON.stringify({ version, config: which === "big" ? big : small });
    bodies[which] = body.length;
    const t0 = performance.now();
    const res = await fetch(`${control}/v1/config`, {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body,
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200)
      throw new Error(`PUT /v1/config (${which}): ${res.status} ${text.slice(0, 500)}`);
    return ms;
  };
  const status = async () => await (await fetch(`${control}/v1/status`, { headers: auth })).json();

  const heapMb = async () => {
    const text = await (await fetch(`${control}/metrics`, { headers: auth })).text();
    const m = /^gatehouse_nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
    return m ? Number(m[1]) / 2 ** 20 : NaN;
  };
  const compileMs = [];
  const applyTimings = [];
  const mem = {};
  for (let i = 0; i < 3; i++) {
    if (i > 0) await push("small");
    else {
      await sleep(2000);
      mem.before = { rss: rssMb(gw.pid), heap: await heapMb() };
    }
    compileMs.push(await push("big"));
    applyTimings.push((await status()).last_apply_ms ?? null);
    console.log(`routes 100k: push ${i + 1}/3 applied in ${compileMs.at(-1).toFixed(0)} ms`);
    if (i === 0) {
      await sleep(2000);
      mem.after = { rss: rssMb(gw.pid), heap: await heapMb() };
    }
  }
  const per10k = (k) => round((mem.after[k] - mem.before[k]) / (ROUTES / 10_000));

  const scenarios = [
    {
      key: "routes_1",
      label: "Gatehouse, 1 route, 0 plugins (100k rows)",
      url: ctx.gateway.url,
      pid: ctx.gateway.pid,
    },
    {
      key: "routes_100k",
      label: `Gatehouse, ${ROUTES} routes, 0 plugins`,
      url: `http://127.0.0.1:${PORTS.gateway}/proxied`,
      pid: gw.pid,
    },
  ];
  await prepareScenarios(scenarios, wrkRunner(ctx.tools, pin, connections));
  const failures = [];
  const samples = runRounds(scenarios, { rounds, duration, failures, what: "routes 100k " });
  return {
    scenarios,
    summary: summarize(scenarios, samples),
    ratios: {
      routes_100k_vs_1: ratioOf(samples, "routes_100k", "routes_1"),
      compile_ms_100k_routes: round(median(compileMs)),
      rss_mb_per_10k_routes: per10k("rss"),
      heap_mb_per_10k_routes: per10k("heap"),
    },
    cpuRatios: { routes_100k_vs_1: cpuRatioOf(samples, "routes_100k", "routes_1") },
    ranges: { routes_100k_vs_1: ratioRangeOf(samples, "routes_100k", "routes_1") },
    details: {
      routes: ROUTES,
      compile_ms: compileMs.map(round),
      last_apply_ms: applyTimings,
      document_bytes: bodies,
      memory_mb: {
        before: { rss: round(mem.before.rss), heap_used: round(mem.before.heap) },
        after_100k: { rss: round(mem.after.rss), heap_used: round(mem.after.heap) },
      },
    },
    failures,
  };
}
