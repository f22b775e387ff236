import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { regexLiteralPrefix } from "../src/router/route-spec.js";
import { compileRouter } from "../src/router/router.js";

describe("router regex paths", () => {
  it("returns Kong's uri_captures (named and unnamed) and the whole match as matchedPath", () => {
    const router = compileRouter([
      { id: "users", paths: ["~/version/(?<version>\\d+)/users/(?<user>[^/]+)"] },
    ]);
    const m = router.match({ method: "GET", path: "/version/1/users/john/profile" });
    assert.deepEqual(m, {
      route: router.match({ method: "GET", path: "/version/1/users/john" })?.route,
      matchedPath: "/version/1/users/john",
      pathIsRegex: true,
      pathIndex: 0,
      captures: { named: { version: "1", user: "john" }, unnamed: ["1", "john"] },
    });
  });

  it("gives an unset optional group false, as ngx.re.match does", () => {
    const router = compileRouter([{ id: "r", paths: ["~/a(/(?<b>b))?(/(c))?"] }]);
    assert.deepEqual(router.match({ method: "GET", path: "/a/c" })?.captures, {
      named: { b: false },
      unnamed: [false, false, "/c", "c"],
    });
  });

  it("gives no captures for a regex without groups (Kong sets no uri_captures)", () => {
    const router = compileRouter([{ id: "r", paths: ["~/plain/\\d+"] }]);
    const m = router.match({ method: "GET", path: "/plain/1" });
    assert.equal(m?.route.id, "r");
    assert.equal(m?.captures, undefined);
  });

  it("is anchored at the start of the path, not at the end", () => {
    const router = compileRouter([{ id: "r", paths: ["~/foo"] }]);
    assert.equal(router.match({ method: "GET", path: "/x/foo" }), null);
    assert.equal(router.match({ method: "GET", path: "/foobar" })?.route.id, "r");
  });

  it("anchors every alternative", () => {
    const router = compileRouter([{ id: "r", paths: ["~/a|/b"] }]);
    assert.equal(router.match({ method: "GET", path: "/x/b" }), null);
    assert.equal(router.match({ method: "GET", path: "/b" })?.matchedPath, "/b");
  });

  it("honours $ for an exact match", () => {
    const router = compileRouter([{ id: "r", paths: ["~/exact$"] }]);
    assert.equal(router.match({ method: "GET", path: "/exact/" }), null);
    assert.equal(router.match({ method: "GET", path: "/exact" })?.route.id, "r");
  });

  it("accepts PCRE-style (?P<name>...) groups", () => {
    const router = compileRouter([{ id: "r", paths: ["~/u/(?P<id>\\d+)"] }]);
    assert.deepEqual(router.match({ method: "GET", path: "/u/7" })?.captures, {
      named: { id: "7" },
      unnamed: ["7"],
    });
  });

  it("normalizes the regex like Kong: unreserved escapes decoded, a decoded '.' escaped", () => {
    const router = compileRouter([{ id: "r", paths: ["~/caf%65%2E(json|xml)$"] }]);
    assert.equal(router.match({ method: "GET", path: "/cafe.json" })?.route.id, "r");
    assert.equal(router.match({ method: "GET", path: "/cafeXjson" }), null);
  });

  it("indexes regexes by their literal start without changing what they match", () => {
    const cases: [regex: string, literal: string, path: string][] = [
      ["/users/\\d+", "/users/", "/users/12"],
      ["/ab?c", "/a", "/ac"],
      ["/ab*c", "/a", "/ac"],
      ["/a{2}", "/", "/aa"],
      ["/ab+c", "/ab", "/abbc"],
      ["/x\\.y", "/x.y", "/x.y"],
      ["/v1|/v2", "", "/v2"],
      ["/(?:v1|v2)/x", "/", "/v2/x"],
      ["/[|]x", "/", "/|x"],
      ["\\/a", "/a", "/a"],
    ];
    for (const [regex, literal, path] of cases) {
      assert.equal(regexLiteralPrefix(regex), literal, regex);
      const router = compileRouter([{ id: "r", paths: ["~" + regex] }]);
      assert.equal(router.match({ method: "GET", path })?.route.id, "r", `${regex} vs ${path}`);
    }
  });
});
