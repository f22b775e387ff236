import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { regexLiteralPrefix } from "../src/router/route-spec.js";
import { compileRouter } from "../src/router/router.js";

describe("router regex paths", () => {
  it("returns numbered and named captures and the whole match as matchedPath", () => {
    const router = compileRouter([
      { id: "users", paths: ["~/version/(?<version>\\d+)/users/(?<user>[^/]+)"] },
    ]);
    const m = router.match({ method: "GET", path: "/version/1/users/john/profile" });
    assert.deepEqual(m, {
      route: router.match({ method: "GET", path: "/version/1/users/john" })?.route,
      matchedPath: "/version/1/users/john",
      pathIsRegex: true,
      pathIndex: 0,
      captures: { "1": "1", "2": "john", version: "1", user: "john" },
    });
  });

  it("leaves unset optional groups out of the captures", () => {
    const router = compileRouter([{ id: "r", paths: ["~/a(/(?<b>b))?(/(c))?"] }]);
    assert.deepEqual(router.match({ method: "GET", path: "/a/c" })?.captures, {
      "3": "/c",
      "4": "c",
    });
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
    assert.equal(router.match({ method: "GET", path: "/u/7" })?.captures?.id, "7");
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
