import assert from "node:assert/strict";
import { test } from "node:test";
import { validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

// Documents made only of plain routes skip zod per route (a hand-written check that accepts
// nothing the schema refuses); these tests compare that path with the full schema's.

const routes = (n: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({
    id: `id-${i}`,
    name: `r${i}`,
    protocols: ["http", "https"],
    methods: ["get", "Post"],
    hosts: ["*.example.com", "api.example.com:8443"],
    paths: [`/svc${i}`, "~/re/\\d+$"],
    strip_path: false,
    preserve_host: true,
    regex_priority: 2,
    max_body_size: 1024,
    path_handling: "v0",
    tags: ["a", "b"],
    ...extra,
  }));
const doc = (rs: object[], top: object[] = []) => ({
  _format_version: "3.0",
  services: [{ name: "s", url: "http://up:81", routes: rs }],
  routes: top,
});

test("plain routes normalize exactly like routes checked by the full schema", () => {
  const fast = validateDeclarative(doc(routes(50), [{ name: "t", paths: ["/t"], service: "s" }]), {
    plugins: catalog,
  });
  // an empty headers object changes nothing in the result but sends every route through zod
  const full = validateDeclarative(
    doc(routes(50, { headers: {} }), [{ name: "t", paths: ["/t"], service: "s", headers: {} }]),
    { plugins: catalog },
  );
  assert.ok(fast.ok && full.ok);
  assert.deepEqual(fast.config, full.config);
  assert.deepEqual(fast.config.routes[0]?.methods, ["GET", "POST"]);
});

test("one bad route among many plain ones is reported at its path", () => {
  const rs: object[] = routes(100);
  rs[73] = { ...rs[73], paths: ["no-slash"], name: "bad name" };
  rs[90] = { ...rs[90], bogus: undefined };
  const result = validateDeclarative(doc(rs), { plugins: catalog });
  assert.ok(!result.ok);
  const paths = result.errors.map((e) => e.path);
  assert.ok(paths.includes("services[0].routes[73].paths[0]"), paths.join(", "));
  assert.ok(paths.includes("services[0].routes[73].name"), paths.join(", "));
});
