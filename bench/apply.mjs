#!/usr/bin/env node
// The 100,000-route apply in one process, in CPU time (the fast loop behind compile_ms_100k_routes,
// which bench/routes.mjs measures over HTTP): a gateway built in-process (nothing listens) with
// bench/lib.mjs's small config gets the 100,000-route document of bench/routes.mjs as a push, N
// times (each followed by a push back to the small config). Per round: the CPU time
// (process.cpuUsage, user + system) of validateDeclarative alone on the document, and of the whole
// apply (loadDocument: validate, canonical hash, compile, swap), and the heap V8 still uses after
// two forced collections with the 100,000 routes running, over the heap before the first push, per
// 10,000 routes (what the running config retains: normalized routes, router, entries, metrics).
// Prints the minimum of each (CPU time is what the shared machine disturbs least; compare builds
// with interleaved runs). Against the built packages: run `npm run build` first.
//   node --expose-gc bench/apply.mjs [--rounds N] [--root DIR]   (DIR: another checkout's build)
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    root: { type: "string", default: resolve(dirname(fileURLToPath(import.meta.url)), "..") },
  },
});
const rounds = Number(args.rounds);
if (typeof globalThis.gc !== "function" || !Number.isInteger(rounds) || rounds < 1) {
  console.error("usage: node --expose-gc bench/apply.mjs [--rounds N] [--root DIR]");
  process.exit(2);
}
const load = (rel) => import(pathToFileURL(join(args.root, rel)).href);
const { benchConfig, mixedRoutes } = await load("bench/lib.mjs");
const { buildGateway } = await load("apps/gateway/dist/server.js");
const { validateDeclarative } = await load("packages/config/dist/index.js");
const { pluginCatalog } = await load("apps/gateway/dist/config/catalog.js");
const { builtinCatalog } = await load("packages/plugins/dist/index.js");
const { pino } = await load("node_modules/pino/pino.js");

const ROUTES = 100_000;
const origin = "http://127.0.0.1:9";
const small = benchConfig(origin);
const big = structuredClone(small);
big.services.push({ name: "many", url: origin, routes: mixedRoutes(ROUTES - 3) });
const bigText = JSON.stringify(big);
const smallText = JSON.stringify(small);

const gw = buildGateway({ logger: pino({ level: "silent" }) });
const catalog = pluginCatalog(builtinCatalog); // what the gateway validates with
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const collect = () => {
  globalThis.gc();
  globalThis.gc();
};
const check = (r) => {
  if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
};
let version = 1;
check(await gw.loadDocument(JSON.parse(smallText), version++, "push"));
collect();
const heapBefore = process.memoryUsage().heapUsed;
const validate = [];
const apply = [];
const retained = [];
for (let i = 0; i < rounds; i++) {
  let doc = JSON.parse(bigText);
  collect();
  let t = cpuMs();
  check(validateDeclarative(doc, { plugins: catalog }));
  validate.push(cpuMs() - t);
  doc = JSON.parse(bigText);
  collect();
  t = cpuMs();
  check(await gw.loadDocument(doc, version++, "push"));
  apply.push(cpuMs() - t);
  doc = undefined;
  collect();
  retained.push((process.memoryUsage().heapUsed - heapBefore) / 1e6 / (ROUTES / 10_000));
  check(await gw.loadDocument(JSON.parse(smallText), version++, "push"));
}
const min = (a) => Math.round(Math.min(...a) * 10) / 10;
console.log(
  JSON.stringify({
    routes: ROUTES,
    rounds,
    validate_cpu_ms: min(validate),
    apply_cpu_ms: min(apply),
    retained_heap_mb_per_10k_routes: min(retained),
  }),
);
await gw.close();
