import assert from "node:assert/strict";
import { test } from "node:test";
import { plugin, run, thrown } from "./helpers.js";

test("setStatus() changes the status in header_filter and rejects codes outside 100..599", async () => {
  const errs: (string | undefined)[] = [];
  const r = await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        errs.push(thrown(() => kit.response.setStatus(99))?.message);
        errs.push(thrown(() => kit.response.setStatus(600))?.message);
        errs.push(thrown(() => kit.response.setStatus("200" as unknown as number))?.message);
        kit.response.setStatus(418);
      },
    }),
  ]);
  assert.equal(r.response.status, 418);
  assert.deepEqual(errs, [
    "kit.response.setStatus(): code must be a number between 100 and 599",
    "kit.response.setStatus(): code must be a number between 100 and 599",
    "kit.response.setStatus(): code must be a number",
  ]);
});

test("setStatus() and setHeader() may not be called in body_filter or log", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      body_filter: (kit) => void errs.push(thrown(() => kit.response.setStatus(200))?.message),
      log: (kit) => void errs.push(thrown(() => kit.response.setHeader("a", "b"))?.message),
    }),
  ]);
  assert.deepEqual(errs, [
    'kit.response.setStatus() may not be called in the "body_filter" phase',
    'kit.response.setHeader() may not be called in the "log" phase',
  ]);
});

test("setHeader() overrides, addHeader() appends, clearHeader() removes every occurrence", async () => {
  const r = await run(
    [
      plugin("p", 1, {
        header_filter: (kit) => {
          kit.response.setHeader("X-Set", "new");
          kit.response.addHeader("Cache-Control", "no-cache");
          kit.response.addHeader("Cache-Control", "no-store");
          kit.response.setHeader("X-Foo", "foo");
          kit.response.addHeader("X-Foo", "bar");
          kit.response.clearHeader("x_foo");
        },
      }),
    ],
    { upstream: { headers: { "X-Set": "old" } } },
  );
  assert.equal(r.response.header("x-set"), "new");
  assert.deepEqual(r.response.headers["Cache-Control"], ["no-cache", "no-store"]);
  assert.equal(r.response.header("x-foo"), undefined);
});

test("set in access, headers are replayed on the upstream response", async () => {
  const r = await run(
    [
      plugin("p", 1, {
        access: (kit) => {
          kit.response.setHeader("X-From-Access", "1");
          kit.response.clearHeader("Server");
        },
      }),
    ],
    { upstream: { headers: { Server: "upstream/1.0", "X-From-Access": "upstream" } } },
  );
  assert.equal(r.response.header("x-from-access"), "1");
  assert.equal(r.response.header("server"), undefined);
});

test("header values may be numbers or booleans; underscores in names become dashes", async () => {
  const r = await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        kit.response.setHeader("X_Num", 42);
        kit.response.addHeader("X-Bool", true);
      },
    }),
  ]);
  assert.equal(r.response.headers["X-Num"], "42");
  assert.equal(r.response.headers["X-Bool"], "true");
});

test("CR/LF in header names or values are rejected", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        errs.push(thrown(() => kit.response.setHeader("X-A", "a\r\nSet-Cookie: x=1"))?.message);
        errs.push(thrown(() => kit.response.addHeader("X-A\n", "a"))?.message);
        errs.push(thrown(() => kit.response.setHeaders({ "X-A": ["ok", "b\nc"] }))?.message);
        errs.push(thrown(() => kit.response.setHeader("X A", "a"))?.message);
        errs.push(thrown(() => kit.response.setHeader("X-A", {} as unknown as string))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    'kit.response.setHeader(): invalid header value for "X-A": contains CR or LF',
    'kit.response.addHeader(): invalid header name "X-A\\n": contains CR or LF',
    'kit.response.setHeaders(): invalid header value for "X-A": contains CR or LF',
    'kit.response.setHeader(): invalid header name "X A": not a valid HTTP token',
    'kit.response.setHeader(): invalid header value for "X-A": got object, expected string, number or boolean',
  ]);
});

test("Transfer-Encoding is silently ignored by setHeader, addHeader and setHeaders", async () => {
  const r = await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        kit.response.setHeader("Transfer-Encoding", "chunked");
        kit.response.addHeader("transfer_encoding", "gzip");
        kit.response.setHeaders({ "Transfer-Encoding": "chunked", "X-Ok": "1" });
      },
    }),
  ]);
  assert.equal(r.response.header("transfer-encoding"), undefined);
  assert.equal(r.response.header("x-ok"), "1");
});

test("setHeaders() applies headers in lexicographic order, keeping array order, others unchanged", async () => {
  const r = await run(
    [
      plugin("p", 1, {
        header_filter: (kit) => {
          kit.response.setHeaders({
            "X-Foo": "foo3",
            Bla: "boo",
            "Cache-Control": ["no-store", "no-cache"],
          });
        },
      }),
    ],
    { upstream: { headers: { "X-Bar": "bar1", "X-Foo": "foo1" } } },
  );
  const names = Object.keys(r.response.headers).filter((n) => n !== "content-length");
  assert.deepEqual(names, ["X-Bar", "Bla", "Cache-Control", "X-Foo"]);
  assert.deepEqual(r.response.headers["Cache-Control"], ["no-store", "no-cache"]);
  assert.equal(r.response.headers["X-Foo"], "foo3");
});

test("setHeaders() rejects a non-object and bad array elements", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        errs.push(
          thrown(() => kit.response.setHeaders("x" as unknown as Record<string, string>))?.message,
        );
        errs.push(thrown(() => kit.response.setHeaders({ a: [{} as unknown as string] }))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    "kit.response.setHeaders(): headers must be an object, got string",
    'kit.response.setHeaders(): invalid header value in array "a": got object, expected string, number or boolean',
  ]);
});
