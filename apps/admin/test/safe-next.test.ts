// The one check of the `next` parameter after sign-in (login page on the server, login form in
// the browser): URL parsers drop tabs and newlines, so "/\t/host" would be "//host".
import assert from "node:assert/strict";
import { test } from "node:test";
import { safeNext } from "../src/lib/safe-next.js";

const origin = "http://127.0.0.1:3000";

test("open redirect after sign-in: next pointing at another origin goes to /", () => {
  for (const attack of [
    "/\t/127.0.0.1:8199/x",
    "/\n/127.0.0.1:8199/x",
    "/\r/127.0.0.1:8199/x",
    "\t//evil.example/",
    "//evil.example/x",
    "/\\evil.example/x",
    "\\\\evil.example",
    "https://evil.example/",
    "http://127.0.0.1:8199/x",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/services\u0000",
    "/services\u007f",
    "/services\u0085",
    "http://[::1",
  ]) {
    assert.equal(safeNext(attack, origin), "/", JSON.stringify(attack));
  }
});

test("next on the admin's own origin is kept as given", () => {
  for (const ok of [
    "/services",
    "/services?tab=routes#top",
    "/services/a%2Fb",
    "/.//evil.example", // a path on this origin: http://127.0.0.1:3000//evil.example
    "http://127.0.0.1:3000/dashboard",
    "dashboard",
  ]) {
    assert.equal(safeNext(ok, origin), ok, ok);
  }
  assert.equal(safeNext(["/a", "/b"], origin), "/a");
  assert.equal(safeNext(undefined, origin), "/");
  assert.equal(safeNext("", origin), "/");
});
