import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRouter, type RouteSpec } from "../src/router/router.js";

function matchHost(routes: RouteSpec[], host: string | undefined, port?: number) {
  const input =
    port === undefined
      ? { method: "GET", path: "/", host }
      : { method: "GET", path: "/", host, port };
  return compileRouter(routes).match(input)?.route.id ?? null;
}

describe("router hosts", () => {
  it("matches an exact host, case-insensitively on both sides", () => {
    const routes = [{ id: "r", hosts: ["Example.COM"] }];
    assert.equal(matchHost(routes, "example.com"), "r");
    assert.equal(matchHost(routes, "EXAMPLE.com"), "r");
    assert.equal(matchHost(routes, "example.org"), null);
    assert.equal(matchHost(routes, "www.example.com"), null);
  });

  it("a leftmost wildcard matches one or more labels in front of the suffix", () => {
    const routes = [{ id: "r", hosts: ["*.example.com"] }];
    assert.equal(matchHost(routes, "a.example.com"), "r");
    assert.equal(matchHost(routes, "x.y.example.com"), "r");
    assert.equal(matchHost(routes, "example.com"), null);
    assert.equal(matchHost(routes, "aexample.com"), null);
  });

  it("a rightmost wildcard matches any ending after the prefix", () => {
    const routes = [{ id: "r", hosts: ["example.*"] }];
    assert.equal(matchHost(routes, "example.com"), "r");
    assert.equal(matchHost(routes, "example.co.uk"), "r");
    assert.equal(matchHost(routes, "www.example.com"), null);
    assert.equal(matchHost(routes, "examples.com"), null);
  });

  it("a route host without a port matches any port", () => {
    const routes = [{ id: "r", hosts: ["example.com"] }];
    assert.equal(matchHost(routes, "example.com:8000"), "r");
    assert.equal(matchHost(routes, "example.com:443"), "r");
  });

  it("a route host with a port matches only that port", () => {
    const routes = [
      { id: "8080", hosts: ["example.com:8080"] },
      { id: "wild-9090", hosts: ["*.example.com:9090"] },
    ];
    assert.equal(matchHost(routes, "example.com:8080"), "8080");
    assert.equal(matchHost(routes, "example.com:8081"), null);
    assert.equal(matchHost(routes, "a.example.com:9090"), "wild-9090");
    assert.equal(matchHost(routes, "a.example.com:8080"), null);
  });

  it("a Host without a port is compared with the port the request came in on", () => {
    const routes = [{ id: "r", hosts: ["example.com:8080"] }];
    assert.equal(matchHost(routes, "example.com", 8080), "r");
    assert.equal(matchHost(routes, "example.com", 80), null);
    assert.equal(matchHost(routes, "example.com"), null);
  });

  it("matches IPv6 literal hosts with and without port", () => {
    const routes = [{ id: "v6", hosts: ["[::1]"] }];
    assert.equal(matchHost(routes, "[::1]:8000"), "v6");
    assert.equal(matchHost(routes, "[::1]"), "v6");
  });

  it("a request without Host only reaches routes without hosts", () => {
    const routes = [
      { id: "hosted", hosts: ["example.com"], paths: ["/"] },
      { id: "any", paths: ["/"] },
    ];
    assert.equal(matchHost(routes, undefined), "any");
    assert.equal(matchHost(routes, "example.com"), "hosted");
  });
});
