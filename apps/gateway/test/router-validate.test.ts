import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  RouterConfigError,
  compileRouter,
  tryCompileRouter,
  validateRoutes,
  type RouteSpec,
} from "../src/router/router.js";

const one = (route: object, base?: string) => validateRoutes([route as RouteSpec], base);

// The messages are @gatehouse/config's route rules: the router compiles with the same functions
// the document schema checks with, so a data plane refuses a route exactly as the admin does.
describe("validateRoutes", () => {
  it("accepts a valid route", () => {
    assert.deepEqual(one({ id: "r", paths: ["/a", "~/b/\\d+"], hosts: ["*.x.com"] }), []);
  });

  it("reports an invalid regex with its field path", () => {
    assert.deepEqual(one({ id: "r", paths: ["/ok", "~/a(b"] }), [
      { path: "routes[0].paths[1]", message: "invalid regular expression: Unterminated group" },
    ]);
  });

  it("reports a bad wildcard host", () => {
    assert.deepEqual(one({ id: "r", hosts: ["a.*.com", "*.x.*"] }), [
      {
        path: "routes[0].hosts[0]",
        message: "invalid wildcard host 'a.*.com': the '*' must be the leftmost or rightmost label",
      },
      {
        path: "routes[0].hosts[1]",
        message: "invalid wildcard host '*.x.*': only one '*' is allowed",
      },
    ]);
  });

  it("reports an invalid port in a host", () => {
    assert.deepEqual(one({ id: "r", hosts: ["x.com:99999"] }), [
      { path: "routes[0].hosts[0]", message: "invalid port in host 'x.com:99999'" },
    ]);
  });

  it("reports a plain path that is not absolute or that requests would never carry", () => {
    assert.deepEqual(one({ id: "r", paths: ["api", "/a%2Fb", "/../x"] }), [
      { path: "routes[0].paths[0]", message: 'must start with "/" or "~"' },
      { path: "routes[0].paths[1]", message: "encoded '/' (%2F) is not allowed in path" },
      { path: "routes[0].paths[2]", message: "'..' segment escapes the root of the path" },
    ]);
  });

  it("requires at least one matching field", () => {
    assert.deepEqual(one({ id: "r", paths: [], headers: {} }), [
      {
        path: "routes[0]",
        message: 'must set at least one of "methods", "hosts", "paths", "headers"',
      },
    ]);
  });

  it("refuses the host header in headers and an invalid header regex", () => {
    assert.deepEqual(one({ id: "r", headers: { Host: ["a"], "x-v": ["~*("] } }), [
      { path: "routes[0].headers.Host", message: 'use "hosts" to match on the Host header' },
      {
        path: "routes[0].headers.x-v[0]",
        message: "invalid regular expression: Unterminated group",
      },
    ]);
  });

  it("checks methods", () => {
    assert.deepEqual(one({ id: "r", paths: ["/"], methods: ["GET", "BAD METHOD"] }), [
      { path: "routes[0].methods[1]", message: "must be an HTTP method (letters only)" },
    ]);
  });

  it("reports duplicate ids and uses the given base path", () => {
    const errors = validateRoutes(
      [
        { id: "a", paths: ["/"] },
        { id: "a", paths: ["/b"] },
      ],
      "services[2].routes",
    );
    assert.deepEqual(errors, [
      {
        path: "services[2].routes[1].id",
        message: "duplicate route id 'a' (also services[2].routes[0])",
      },
    ]);
  });
});

describe("compiling invalid routes", () => {
  const bad = [
    { id: "ok", paths: ["/"] },
    { id: "bad", paths: ["~("] },
  ];

  it("tryCompileRouter returns the errors", () => {
    const r = tryCompileRouter(bad);
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors, [
      { path: "routes[1].paths[0]", message: "invalid regular expression: Unterminated group" },
    ]);
  });

  it("compileRouter throws a RouterConfigError carrying the same list", () => {
    assert.throws(
      () => compileRouter(bad),
      (e: unknown) =>
        e instanceof RouterConfigError &&
        e.errors.length === 1 &&
        e.message ===
          "invalid routes: routes[1].paths[0]: invalid regular expression: Unterminated group",
    );
  });
});
