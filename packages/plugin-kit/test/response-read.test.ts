import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kit } from "../src/index.js";
import { PluginKitError } from "../src/index.js";
import { plugin, run, thrown } from "./helpers.js";

test("getStatus() in access throws a PluginKitError naming the function and phase", async () => {
  let err: Error | undefined;
  await run([
    plugin("p", 1, { access: (kit) => void (err = thrown(() => kit.response.getStatus())) }),
  ]);
  assert.ok(err instanceof PluginKitError);
  assert.equal(err.message, 'kit.response.getStatus() may not be called in the "access" phase');
});

test("getStatus(), getHeader(), getHeaders(), getSource() work in header_filter, body_filter and log", async () => {
  const seen: unknown[] = [];
  const read = (phase: string) => (kit: Kit) =>
    void seen.push([
      phase,
      kit.response.getStatus(),
      kit.response.getHeader("x-up"),
      kit.response.getSource(),
    ]);
  await run(
    [plugin("p", 1, { header_filter: read("h"), body_filter: read("b"), log: read("l") })],
    {
      upstream: { status: 201, headers: { "X-Up": "1" } },
    },
  );
  assert.deepEqual(seen, [
    ["h", 201, "1", "service"],
    ["b", 201, "1", "service"],
    ["l", 201, "1", "service"],
  ]);
});

test("getHeader() is case-insensitive, accepts _ for - and returns the first of repeated values", async () => {
  let got: unknown[] = [];
  await run(
    [
      plugin("p", 1, {
        header_filter: (kit) => {
          got = [
            kit.response.getHeader("x-custom-header"),
            kit.response.getHeader("X_CUSTOM_HEADER"),
            kit.response.getHeader("X-Another"),
            kit.response.getHeader("X-None"),
          ];
        },
      }),
    ],
    { upstream: { headers: { "X-Custom-Header": "bla", "X-Another": ["foo bar", "baz"] } } },
  );
  assert.deepEqual(got, ["bla", "bla", "foo bar", undefined]);
});

test("getHeaders() gives lower-case names, arrays for repeats, and answers _ and any case", async () => {
  let h: Record<string, unknown> = {};
  await run(
    [plugin("p", 1, { header_filter: (kit) => void (h = kit.response.getHeaders().headers) })],
    {
      upstream: { headers: { "X-Custom-Header": "bla", "X-Another": ["foo bar", "baz"] } },
    },
  );
  assert.equal(h.x_custom_header, "bla");
  assert.deepEqual(h["X-Another"], ["foo bar", "baz"]);
  assert.ok(Object.keys(h).includes("x-another"));
});

test("getHeaders(max) truncates at max header lines and says so", async () => {
  let out: { headers: Record<string, unknown>; truncated: boolean } | undefined;
  await run([plugin("p", 1, { header_filter: (kit) => void (out = kit.response.getHeaders(2)) })], {
    upstream: { headers: { a: "1", b: ["2", "3"], "content-length": "0" } },
  });
  assert.equal(out?.truncated, true);
  assert.deepEqual({ ...out?.headers }, { a: "1", b: "2" });
});

test("getHeaders() returns at most 100 headers by default and truncated=false below", async () => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 120; i++) many[`x-h${i}`] = String(i);
  const res: boolean[] = [];
  let count = 0;
  await run(
    [
      plugin("p", 1, {
        header_filter: (kit) => {
          const r = kit.response.getHeaders();
          count = Object.keys(r.headers).length;
          res.push(r.truncated, kit.response.getHeaders(1000).truncated);
        },
      }),
    ],
    { upstream: { headers: many } },
  );
  assert.equal(count, 100);
  assert.deepEqual(res, [true, false]);
});

test("getHeaders(max) accepts 1..1000 only", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        errs.push(thrown(() => kit.response.getHeaders(0))?.message);
        errs.push(thrown(() => kit.response.getHeaders(1001))?.message);
        errs.push(thrown(() => kit.response.getHeaders("5" as unknown as number))?.message);
        errs.push(thrown(() => kit.response.getHeaders(1))?.message);
        errs.push(thrown(() => kit.response.getHeaders(1000))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    "kit.response.getHeaders(): max_headers must be >= 1",
    "kit.response.getHeaders(): max_headers must be <= 1000",
    "kit.response.getHeaders(): max_headers must be a number",
    undefined,
    undefined,
  ]);
});

test("getSource() is 'exit' after an exit and 'error' after an upstream failure", async () => {
  const src: string[] = [];
  const tail = plugin("tail", 1, {
    header_filter: (kit) => void src.push(kit.response.getSource()),
  });
  await run([plugin("x", 2, { access: (kit) => kit.response.exit(200) }), tail]);
  await run([tail], { upstream: { fail: "refused" } });
  assert.deepEqual(src, ["exit", "error"]);
});

test("getRawBody()/setRawBody() outside body_filter throw", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        errs.push(thrown(() => kit.response.getRawBody())?.message);
        errs.push(thrown(() => kit.response.setRawBody("x"))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    'kit.response.getRawBody() may not be called in the "header_filter" phase',
    'kit.response.setRawBody() may not be called in the "header_filter" phase',
  ]);
});

test("body_filter sees the whole body and its replacement is what the client gets, Content-Length fixed", async () => {
  const r = await run(
    [
      plugin("p", 1, {
        body_filter: (kit) =>
          kit.response.setRawBody(kit.response.getRawBody().toString().toUpperCase() + "!"),
      }),
    ],
    { upstream: { body: "hello" } },
  );
  assert.equal(r.response.text, "HELLO!");
  assert.equal(r.response.header("content-length"), "6");
});
