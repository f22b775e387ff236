#!/usr/bin/env node
// `npm run bench:micro`: micro-benchmarks of the hot per-request code paths, with tinybench, against
// the built packages (run `npm run build` first): the gateway's router (match over 1, 10,000 and
// 100,000 routes, mixed hosts / prefixes / regex like bench/run.mjs's big config), request-target
// normalization, and the plugin kit's header operations on a typical request. It exists so that a
// regression in one of these shows up in seconds, before the load test (`npm run bench`).
// Prints ops/s and mean ns per operation, writes bench/micro-results.json. About 30-60 s.
// Options: --time MS (measuring time per case, default 1000), --filter TEXT (cases whose name
// contains TEXT).
import { existsSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import { mixedRoutes, round } from "./lib.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const { values: args } = parseArgs({
  options: {
    time: { type: "string", default: "1000" },
    filter: { type: "string", default: "" },
  },
});
const time = Number(args.time);
if (!Number.isInteger(time) || time < 10) {
  console.error("--time: must be an integer >= 10 (milliseconds)");
  process.exit(2);
}

const built = (rel) => {
  const file = join(root, rel);
  if (!existsSync(file)) {
    console.error(`${rel} is missing: run \`npm run build\` first.`);
    process.exit(2);
  }
  return import(pathToFileURL(file).href);
};
const { compileRouter } = await built("apps/gateway/dist/router/router.js");
const { normalizePath } = await built("apps/gateway/dist/router/normalize.js");
const { definePlugin } = await built("packages/plugin-kit/dist/index.js");
const { chainOf, runTransaction } = await built("packages/plugin-kit/dist/testing.js");
const { z } = createRequire(join(root, "packages/plugin-kit/package.json"))("zod");

// --- the router ---------------------------------------------------------------------------------
/** bench/lib.mjs's mixed routes as router specs, after a `/proxied` prefix route */
const routeSpecs = (count) => [
  { id: "proxied", paths: ["/proxied"] },
  ...mixedRoutes(count - 1).map(({ name, ...r }) => ({ id: name, ...r })),
];

const bench = new Bench({ time, warmupTime: Math.min(200, time) });
const compileMs = {};
const requests = [
  ["prefix", { method: "GET", host: "api.example.test", path: "/proxied" }],
  ["host + prefix", { method: "GET", host: "h9990.example.test", path: "/svc9990/v1/items/7" }],
  // every regex route has a host too (every 50th route is a regex, every 10th has a host)
  ["regex", { method: "GET", host: "h4950.example.test", path: "/re4950/42" }],
  ["no match", { method: "GET", host: "nope.test", path: "/nothing/here" }],
];
for (const n of [1, 10_000, 100_000]) {
  const t = performance.now();
  const router = compileRouter(routeSpecs(n));
  compileMs[n] = round(performance.now() - t);
  for (const [kind, req] of requests) {
    if (n === 1 && kind !== "prefix" && kind !== "no match") continue;
    const name = `router.match ${n} routes: ${kind}`;
    const want = kind === "no match" ? undefined : kind === "prefix" ? "proxied" : "r";
    const got = router.match(req)?.route.id;
    if (want === undefined ? got !== undefined : !got?.startsWith(want))
      throw new Error(`${name}: matched ${got ?? "nothing"}`);
    bench.add(name, () => router.match(req));
  }
}

// --- request-target normalization --------------------------------------------------------------
for (const [kind, target] of [
  ["plain", "/api/v1/items/42?limit=10"],
  ["dot segments + escapes", "/api/./v1/../v1//it%65ms/42?limit=10"],
]) {
  if (!normalizePath(target).ok) throw new Error(`normalizePath(${target}) failed`);
  bench.add(`normalizePath: ${kind}`, () => normalizePath(target));
}

// --- the kit's header operations ----------------------------------------------------------------
// One transaction through the kit's runner (the testing adapter, no sockets) with a typical
// browser/API request's headers: a plugin doing nothing, and one doing the usual header work in
// access (get, set, add, clear on the request) and header_filter (get, set, add on the response).
// The difference between the two is the cost of the header operations.
const typicalHeaders = {
  host: "api.example.test",
  "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
  accept: "application/json, text/plain, */*",
  "accept-encoding": "gzip, deflate, br",
  "accept-language": "en-US,en;q=0.9",
  authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl",
  "content-type": "application/json",
  cookie: "session=abc123; theme=dark",
  "x-request-id": "4bf92f3577b34da6a3ce929d0e0e4736",
  "x-forwarded-for": "203.0.113.7",
};
const upstream = {
  status: 200,
  headers: { "content-type": "application/json", "content-length": "2", server: "nginx" },
  body: "{}",
};
const plugin = (name, phases) =>
  definePlugin({ name, version: "0.0.0", priority: 1, configSchema: z.object({}), phases });
const empty = plugin("bench-empty", { access: () => {} });
const headerWork = plugin("bench-headers", {
  access: (kit) => {
    if (kit.request.getHeader("authorization") === undefined) throw new Error("no authorization");
    kit.request.getHeader("x-missing");
    kit.request.setHeader("x-consumer-id", "c-1");
    kit.request.addHeader("x-forwarded-prefix", "/api");
    kit.request.clearHeader("cookie");
  },
  header_filter: (kit) => {
    kit.response.getHeader("content-type");
    kit.response.setHeader("x-ratelimit-remaining", 99);
    kit.response.addHeader("vary", "origin");
  },
});
const request = {
  method: "GET",
  host: "api.example.test",
  path: "/api/items",
  headers: typicalHeaders,
};
// chains built once (no config validation per run): the runs measure the transaction alone
const emptyChain = chainOf([{ def: empty, config: {} }]);
const headerChain = chainOf([{ def: headerWork, config: {} }]);
const check = await runTransaction(headerChain, { request, upstream });
if (
  check.upstreamRequest?.headers["x-consumer-id"] !== "c-1" ||
  check.upstreamRequest.headers.cookie !== undefined ||
  check.response.header("x-ratelimit-remaining") !== "99"
)
  throw new Error("kit header case: the plugin's header changes did not apply");
bench.add("kit transaction, empty plugin", () => runTransaction(emptyChain, { request, upstream }));
bench.add("kit transaction, header get/set/add/clear", () =>
  runTransaction(headerChain, { request, upstream }),
);

// --- run ----------------------------------------------------------------------------------------
if (args.filter)
  for (const t of [...bench.tasks]) if (!t.name.includes(args.filter)) bench.remove(t.name);
console.log(
  `compile: ${Object.entries(compileMs)
    .map(([n, ms]) => `${n} routes ${ms} ms`)
    .join(", ")}; ${bench.tasks.length} cases, ~${time} ms each`,
);
await bench.run();
const cases = {};
console.log(
  `\n${"case".padEnd(46)} ${"ops/s".padStart(12)} ${"mean ns".padStart(10)} ${"±%".padStart(6)}`,
);
for (const t of bench.tasks) {
  const r = t.result;
  if (r.state !== "completed") throw new Error(`${t.name}: ${r.state} ${r.error ?? ""}`);
  const x = {
    // ops/s from the mean time (tinybench's throughput.mean averages per-sample rates, biased up)
    ops_per_s: Math.round(1000 / r.latency.mean),
    mean_ns: round(r.latency.mean * 1e6),
    p99_ns: round(r.latency.p99 * 1e6),
    rme_pct: round(r.latency.rme),
    samples: r.latency.samplesCount ?? r.latency.samples?.length ?? null,
  };
  cases[t.name] = x;
  console.log(
    `${t.name.padEnd(46)} ${String(x.ops_per_s).padStart(12)} ${x.mean_ns.toFixed(0).padStart(10)} ${x.rme_pct.toFixed(1).padStart(6)}`,
  );
}
const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
  load_average: loadavg().map(round),
  settings: { time_ms: time },
  compile_ms: compileMs,
  cases,
};
writeFileSync(join(root, "bench/micro-results.json"), JSON.stringify(result, null, 2) + "\n");
console.log("\nwrote bench/micro-results.json");
