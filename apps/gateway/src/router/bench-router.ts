/**
 * Micro-benchmark of the router alone: `npx tsx src/router/bench-router.ts [routes]`.
 * Compiles N routes (default 10,000: host+prefix, prefix, wildcard hosts, ~300 regexes) and
 * prints the compile time and the cost of one match for a few kinds of request.
 */
import { compileRouter, type MatchInput, type RouteSpec } from "./router.js";

const n = Number(process.argv[2] ?? 10_000);
const routes: RouteSpec[] = [];
for (let i = 0; routes.length < n; i++) {
  if (i % 33 === 0) routes.push({ id: `re-${i}`, paths: [`~/r${i}/(?<id>\\d+)$`] });
  else if (i % 17 === 0) routes.push({ id: `wild-${i}`, hosts: [`*.t${i}.example.net`] });
  else if (i % 2 === 0) {
    routes.push({ id: `host-${i}`, hosts: [`svc${i % 500}.example.com`], paths: [`/api/${i}`] });
  } else routes.push({ id: `path-${i}`, paths: [`/p${i}/items`], methods: ["GET", "POST"] });
}

let t = performance.now();
const router = compileRouter(routes);
console.log(`compiled ${router.size} routes in ${(performance.now() - t).toFixed(1)} ms`);

const requests: [string, MatchInput][] = [
  ["host + prefix", { method: "GET", host: "svc2.example.com", path: "/api/1002/x" }],
  ["prefix only", { method: "POST", path: "/p4001/items/9" }],
  ["regex", { method: "GET", path: `/r${33 * 200}/42` }],
  ["wildcard host", { method: "GET", host: "a.t17.example.net", path: "/" }],
  ["no match", { method: "GET", host: "nope.test", path: "/nothing/here" }],
];
for (const [name, req] of requests) {
  const iterations = 200_000;
  for (let i = 0; i < 20_000; i++) router.match(req);
  t = performance.now();
  for (let i = 0; i < iterations; i++) router.match(req);
  const us = ((performance.now() - t) * 1000) / iterations;
  console.log(
    `${name.padEnd(14)} ${us.toFixed(2)} µs/match -> ${router.match(req)?.route.id ?? "none"}`,
  );
}
