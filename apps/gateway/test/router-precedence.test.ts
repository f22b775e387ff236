// One test per precedence rule of Kong 3's traditional_compatible router
// (developer.konghq.com gateway/routing/traditional, "Route priority").
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRouter, type MatchInput, type RouteSpec } from "../src/router/router.js";

function winner(routes: RouteSpec[], req: Partial<MatchInput>): string | undefined {
  const router = compileRouter(routes);
  return router.match({ method: "GET", path: "/", ...req })?.route.id;
}

describe("router precedence", () => {
  it("a route with more matching fields (match weight) wins: hosts+methods over hosts", () => {
    const routes = [
      { id: "hosts", hosts: ["example.com"] },
      { id: "hosts+methods", hosts: ["example.com"], methods: ["POST"] },
    ];
    assert.equal(winner(routes, { method: "POST", host: "example.com" }), "hosts+methods");
    assert.equal(winner(routes, { method: "GET", host: "example.com" }), "hosts");
  });

  it("paths count toward the match weight", () => {
    const routes = [
      { id: "hosts", hosts: ["example.com"] },
      { id: "hosts+paths", hosts: ["example.com"], paths: ["/"] },
    ];
    assert.equal(winner(routes, { host: "example.com", path: "/x" }), "hosts+paths");
  });

  it("match weight beats regex_priority and path length", () => {
    const routes = [
      { id: "regex", paths: ["~/api/v1/users$"], regex_priority: 100 },
      { id: "long-prefix", paths: ["/api/v1/users"] },
      { id: "short+method", paths: ["/api"], methods: ["GET"] },
    ];
    assert.equal(winner(routes, { path: "/api/v1/users" }), "short+method");
  });

  it("at equal weight, routes with only plain hosts beat routes with a wildcard host", () => {
    const routes = [
      { id: "wildcard", hosts: ["*.example.com"], paths: ["/"] },
      { id: "mixed", hosts: ["api.example.com", "*.example.org"], paths: ["/"] },
      { id: "plain", hosts: ["api.example.com"], paths: ["/"] },
    ];
    assert.equal(winner(routes, { host: "api.example.com" }), "plain");
  });

  it("at equal weight and hosts, more configured headers win", () => {
    const routes: RouteSpec[] = [
      { id: "one", headers: { "x-a": ["1"] } },
      { id: "two", headers: { "x-a": ["1"], "x-b": ["2"] } },
    ];
    assert.equal(winner(routes, { headers: { "x-a": "1", "x-b": "2" } }), "two");
    assert.equal(winner(routes, { headers: { "x-a": "1" } }), "one");
  });

  it("a regex path is evaluated before prefix paths, even a longer one", () => {
    const routes = [
      { id: "prefix", paths: ["/version/any/long/prefix"] },
      { id: "regex", paths: ["~/version/any/"] },
    ];
    assert.equal(winner(routes, { path: "/version/any/long/prefix/x" }), "regex");
  });

  it("regex paths are ordered by regex_priority, higher first", () => {
    // Kong's documented example: /version/\d+/status/\d+ (6) before /status/\d+ (0)
    // before /version/any/ (0) before /version (prefix).
    const routes = [
      { id: "status", paths: ["~/status/\\d+"], regex_priority: 0 },
      { id: "version-status", paths: ["~/version/\\d+/status/\\d+"], regex_priority: 6 },
      { id: "version", paths: ["/version"] },
      { id: "version-any", paths: ["~/version/any/"] },
      { id: "low", paths: ["~/version/"], regex_priority: -1 },
    ];
    assert.equal(winner(routes, { path: "/version/1/status/2" }), "version-status");
    assert.equal(winner(routes, { path: "/version/any/x" }), "version-any");
    assert.equal(winner(routes, { path: "/version/x" }), "low");
    assert.equal(winner(routes, { path: "/version" }), "version");
    assert.equal(winner(routes, { path: "/status/12" }), "status");
  });

  it("prefix paths: the longest matching prefix wins", () => {
    const routes = [
      { id: "service", paths: ["/service"] },
      { id: "resource", paths: ["/service/resource"] },
    ];
    assert.equal(winner(routes, { path: "/service/resource/1" }), "resource");
    assert.equal(winner(routes, { path: "/service/other" }), "service");
  });

  it("each path of a route is ranked on its own", () => {
    const routes = [
      { id: "a", paths: ["/a", "/a/b/c/d"] },
      { id: "b", paths: ["/a/b"] },
    ];
    assert.equal(winner(routes, { path: "/a/b/x" }), "b");
    const router = compileRouter(routes);
    const m = router.match({ method: "GET", path: "/a/b/c/d/e" });
    assert.equal(m?.route.id, "a");
    assert.equal(m?.matchedPath, "/a/b/c/d");
    assert.equal(m?.pathIndex, 1);
  });

  it("on a full tie, the route listed first wins", () => {
    const routes = [
      { id: "first", paths: ["/same"] },
      { id: "second", paths: ["/same"] },
    ];
    assert.equal(winner(routes, { path: "/same" }), "first");
    assert.equal(winner(routes.slice().reverse(), { path: "/same" }), "second");
  });

  it("a lower-priority route still matches when the better ones do not", () => {
    const routes = [
      { id: "catch-all", paths: ["/"] },
      { id: "post-only", paths: ["/x"], methods: ["POST"] },
    ];
    assert.equal(winner(routes, { method: "GET", path: "/x" }), "catch-all");
  });
});
