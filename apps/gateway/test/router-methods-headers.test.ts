import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRouter, type MatchInput } from "../src/router/router.js";

describe("router methods", () => {
  const router = compileRouter([
    { id: "read", methods: ["GET", "head"], paths: ["/items"] },
    { id: "write", methods: ["POST"], paths: ["/items"] },
  ]);
  const id = (method: string) => router.match({ method, path: "/items" })?.route.id ?? null;

  it("matches any of the listed methods", () => {
    assert.equal(id("GET"), "read");
    assert.equal(id("HEAD"), "read");
    assert.equal(id("POST"), "write");
  });

  it("does not match an unlisted method", () => {
    assert.equal(id("DELETE"), null);
  });
});

describe("router headers", () => {
  const router = compileRouter([
    { id: "version", headers: { Version: ["v1", "V2"] }, paths: ["/"] },
    { id: "both", headers: { version: ["v3"], region: ["north"] }, paths: ["/"] },
    { id: "regex", headers: { "x-client": ["~*^mobile-\\d+$"] }, paths: ["/"] },
  ]);
  const id = (headers: MatchInput["headers"]) =>
    router.match({ method: "GET", path: "/", headers })?.route.id ?? null;

  it("matches any of the listed values, case-insensitively", () => {
    assert.equal(id({ version: "v1" }), "version");
    assert.equal(id({ version: "V1" }), "version");
    assert.equal(id({ version: "v2" }), "version");
    assert.equal(id({ version: "v9" }), null);
  });

  it("requires every configured header (names are ANDed)", () => {
    assert.equal(id({ version: "v3", region: "NORTH" }), "both");
    assert.equal(id({ version: "v3" }), null);
  });

  it("does not match when the header is missing", () => {
    assert.equal(id({}), null);
    assert.equal(id(undefined), null);
  });

  it("matches a repeated header when any occurrence matches (headersDistinct)", () => {
    assert.equal(id({ version: ["v9", "v2"] }), "version");
  });

  it("matches ~* values as case-insensitive regexes", () => {
    assert.equal(id({ "x-client": "Mobile-42" }), "regex");
    assert.equal(id({ "x-client": "mobile-x" }), null);
  });
});
