// Kong path_handling "v0" (the default): one test row per line of Kong's table
// (Admin API "Path handling algorithms"), then the other branches of get_upstream_uri_v0.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileRouter } from "../src/router/router.js";
import { upstreamHost, upstreamPath } from "../src/router/upstream-path.js";

type Row = [
  servicePath: string | null,
  routePath: string,
  strip: boolean,
  request: string,
  upstream: string,
];

function proxied([servicePath, routePath, strip, request]: Row): string {
  const router = compileRouter([{ id: "r", paths: [routePath], strip_path: strip }]);
  const match = router.match({ method: "GET", path: request });
  assert.ok(match, `${routePath} should match ${request}`);
  return upstreamPath(match.route, match, request, servicePath);
}

describe("upstreamPath: Kong's v0 table", () => {
  const table: Row[] = [
    ["/s", "/fv0", false, "/fv0/req", "/s/fv0/req"],
    ["/s", "/fv0", false, "/fv0", "/s/fv0"],
    ["/s", "/tv0", true, "/tv0/req", "/s/req"],
    ["/s", "/tv0", true, "/tv0", "/s"],
    ["/s", "/fv0/", false, "/fv0/req", "/s/fv0/req"],
    // Kong's table prints "/s/fv01/" here, a typo: get_upstream_uri_v0 gives "/s/fv0/".
    ["/s", "/fv0/", false, "/fv0/", "/s/fv0/"],
    ["/s", "/tv0/", true, "/tv0/req", "/s/req"],
    ["/s", "/tv0/", true, "/tv0/", "/s/"],
  ];
  for (const row of table) {
    it(`service ${row[0]}, route ${row[1]}, strip_path ${row[2]}, ${row[3]} -> ${row[4]}`, () => {
      assert.equal(proxied(row), row[4]);
    });
  }
});

describe("upstreamPath: other joins", () => {
  const rows: [string, Row][] = [
    ["strip_path true joins the rest under the service path", ["/s", "/r", true, "/r/x", "/s/x"]],
    ["strip_path false keeps the whole path", ["/s", "/r", false, "/r/x", "/s/r/x"]],
    ["a service path with a trailing slash, stripped", ["/s/", "/r", true, "/r/x", "/s/x"]],
    ["a service path with a trailing slash, not stripped", ["/s/", "/r", false, "/r/x", "/s/r/x"]],
    ["a service path with a trailing slash, nothing left", ["/s/", "/r", true, "/r", "/s"]],
    [
      "a service path with a trailing slash, request ends with /",
      ["/s/", "/r/", true, "/r/", "/s/"],
    ],
    ["no service path, stripped", [null, "/r", true, "/r/x", "/x"]],
    ["no service path, nothing left", [null, "/r", true, "/r", "/"]],
    ["no service path, not stripped", [null, "/r", false, "/r/x", "/r/x"]],
    ["request / to a catch-all, not stripped", ["/s", "/", false, "/", "/s"]],
    ["prefixes are character prefixes", ["/s", "/foo", true, "/foobar", "/s/bar"]],
    ["a postfix made of dots contributes nothing", ["/s", "/foo", true, "/foo..", "/s"]],
    ["a regex strips its whole match", ["/s", "~/v\\d+", true, "/v1/users", "/s/users"]],
  ];
  for (const [name, row] of rows) {
    it(`${name}: ${row[3]} -> ${row[4]}`, () => assert.equal(proxied(row), row[4]));
  }

  it("strip_path defaults to true, as in Kong", () => {
    assert.equal(upstreamPath({ id: "r" }, { matchedPath: "/r" }, "/r/x", "/s"), "/s/x");
  });

  it("a route without paths forwards the request path under the service path", () => {
    const router = compileRouter([{ id: "h", hosts: ["example.com"] }]);
    const m = router.match({ method: "GET", path: "/x/y", host: "example.com" });
    assert.ok(m);
    assert.equal(m.matchedPath, "");
    assert.equal(upstreamPath(m.route, m, "/x/y", "/s"), "/s/x/y");
    assert.equal(upstreamPath(m.route, m, "/", "/s"), "/s");
  });
});

describe("upstreamHost", () => {
  it("keeps the client's Host only with preserve_host", () => {
    assert.equal(
      upstreamHost({ id: "r", preserve_host: true }, "client.test:8000", "svc"),
      "client.test:8000",
    );
    assert.equal(upstreamHost({ id: "r" }, "client.test:8000", "svc"), "svc");
    assert.equal(upstreamHost({ id: "r", preserve_host: true }, undefined, "svc"), "svc");
  });
});
