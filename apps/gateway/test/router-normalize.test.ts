import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ERR_ASTERISK_FORM,
  ERR_BACKSLASH,
  ERR_BAD_CHAR,
  ERR_BAD_PERCENT,
  ERR_ENCODED_SLASH,
  ERR_ESCAPES_ROOT,
  ERR_FRAGMENT,
  ERR_NOT_ORIGIN_FORM,
  ERR_NUL,
  normalizePath,
} from "../src/router/normalize.js";

function ok(target: string) {
  const r = normalizePath(target);
  assert.equal(r.ok, true, `${target}: ${r.ok ? "" : r.reason}`);
  return r as Extract<typeof r, { ok: true }>;
}

function rejected(target: string, reason: string) {
  assert.deepEqual(normalizePath(target), { ok: false, status: 400, reason });
}

describe("normalizePath", () => {
  it("keeps an already normal path and splits off the query verbatim", () => {
    assert.deepEqual(ok("/a/b?x=%2F&y=..//"), { ok: true, path: "/a/b", query: "x=%2F&y=..//" });
    assert.deepEqual(ok("/"), { ok: true, path: "/", query: "" });
  });

  it("uppercases remaining percent-encodings", () => {
    assert.equal(ok("/foo%3a%c3%a9").path, "/foo%3A%C3%A9");
  });

  it("decodes only unreserved characters", () => {
    assert.equal(ok("/%66o%6F%2D%2e%5F%7E%41%30").path, "/foo-._~A0");
    assert.equal(ok("/a%20b%3F%25").path, "/a%20b%3F%25");
  });

  it("removes dot segments (RFC 3986 5.2.4)", () => {
    assert.equal(ok("/foo/./bar/../baz").path, "/foo/baz");
    assert.equal(ok("/a/b/..").path, "/a/");
    assert.equal(ok("/a/.").path, "/a/");
    assert.equal(ok("/a/..").path, "/");
    assert.equal(ok("/a/..b/.c").path, "/a/..b/.c");
  });

  it("removes dot segments that were percent-encoded", () => {
    assert.equal(ok("/a/%2E%2e/b").path, "/b");
  });

  it("merges duplicate slashes", () => {
    assert.equal(ok("//foo///bar//").path, "/foo/bar/");
    assert.equal(ok("/a//../b").path, "/b");
  });

  it("percent-encodes printable characters that are not valid in a URI", () => {
    assert.equal(ok('/a"b{c}|').path, "/a%22b%7Bc%7D%7C");
  });

  it("accepts absolute-form and returns its authority", () => {
    assert.deepEqual(ok("http://Example.com:8080/a/../b?q=1"), {
      ok: true,
      path: "/b",
      query: "q=1",
      authority: "Example.com:8080",
    });
    assert.deepEqual(ok("https://example.com"), {
      ok: true,
      path: "/",
      query: "",
      authority: "example.com",
    });
  });

  it("rejects an encoded slash", () => rejected("/a%2fb", ERR_ENCODED_SLASH));
  it("rejects a raw backslash", () => rejected("/a\\b", ERR_BACKSLASH));
  it("rejects an encoded backslash", () => rejected("/a%5Cb", ERR_BACKSLASH));
  it("rejects an encoded NUL", () => rejected("/a%00", ERR_NUL));
  it("rejects '..' escaping the root", () => {
    rejected("/..", ERR_ESCAPES_ROOT);
    rejected("/a/../../etc/passwd", ERR_ESCAPES_ROOT);
    rejected("/%2e%2E/x", ERR_ESCAPES_ROOT);
  });
  it("rejects invalid percent-encoding", () => {
    rejected("/a%zz", ERR_BAD_PERCENT);
    rejected("/a%4", ERR_BAD_PERCENT);
    rejected("/a%", ERR_BAD_PERCENT);
  });
  it("rejects control characters, spaces and non-ASCII", () => {
    rejected("/a b", ERR_BAD_CHAR);
    rejected("/a\u0001", ERR_BAD_CHAR);
    rejected("/caf\u00e9", ERR_BAD_CHAR);
    rejected("/a?b c", ERR_BAD_CHAR);
  });
  it("rejects a fragment", () => rejected("/a#frag", ERR_FRAGMENT));
  it("rejects asterisk-form, for OPTIONS too", () => rejected("*", ERR_ASTERISK_FORM));
  it("rejects targets that are not origin-form or http(s) absolute-form", () => {
    rejected("a/b", ERR_NOT_ORIGIN_FORM);
    rejected("example.com:443", ERR_NOT_ORIGIN_FORM);
    rejected("ftp://example.com/a", ERR_NOT_ORIGIN_FORM);
  });
});
