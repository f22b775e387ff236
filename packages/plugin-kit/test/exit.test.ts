import assert from "node:assert/strict";
import { test } from "node:test";
import { plugin, run, thrown } from "./helpers.js";

test("exit with a string body sends it as-is with Content-Length", async () => {
  const r = await run([
    plugin("p", 1, {
      access: (kit) => kit.response.exit(403, "Access Forbidden", { "Content-Type": "text/plain" }),
    }),
  ]);
  assert.equal(r.response.status, 403);
  assert.equal(r.response.text, "Access Forbidden");
  assert.equal(r.response.header("content-type"), "text/plain");
  assert.equal(r.response.header("content-length"), "16");
  assert.equal(r.upstreamRequest, undefined);
});

test("exit with an object body sends JSON with application/json", async () => {
  const r = await run([
    plugin("p", 1, { access: (kit) => kit.response.exit(403, { message: "Access Forbidden" }) }),
  ]);
  assert.deepEqual(r.response.json(), { message: "Access Forbidden" });
  assert.equal(r.response.header("content-type"), "application/json; charset=utf-8");
});

test("exit with an object body keeps an explicit Content-Type", async () => {
  const r = await run([
    plugin("p", 1, {
      access: (kit) =>
        kit.response.exit(200, { a: 1 }, { "Content-Type": "application/vnd.x+json" }),
    }),
  ]);
  assert.equal(r.response.header("content-type"), "application/vnd.x+json");
});

test("exit without body sends Content-Length: 0", async () => {
  const r = await run([plugin("p", 1, { access: (kit) => kit.response.exit(200) })]);
  assert.equal(r.response.header("content-length"), "0");
  assert.equal(r.response.text, "");
});

test("204 and 304 exits carry no body and no Content-Length", async () => {
  for (const status of [204, 304]) {
    const r = await run([
      plugin("p", 1, { access: (kit) => kit.response.exit(status, "ignored") }),
    ]);
    assert.equal(r.response.status, status);
    assert.equal(r.response.text, "");
    assert.equal(r.response.header("content-length"), undefined);
  }
});

test("an exit to a HEAD request carries no body but the Content-Length it would have", async () => {
  const r = await run([plugin("p", 1, { access: (kit) => kit.response.exit(200, "hello") })], {
    request: { method: "HEAD" },
  });
  assert.equal(r.response.text, "");
  assert.equal(r.response.header("content-length"), "5");
  assert.equal(r.tx.responseBody?.length, 0);
});

test("exit checks its arguments", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      access: (kit) => {
        errs.push(thrown(() => kit.response.exit(600))?.message);
        errs.push(thrown(() => kit.response.exit(99))?.message);
        errs.push(thrown(() => kit.response.exit(200, 5 as unknown as string))?.message);
        errs.push(
          thrown(() => kit.response.exit(200, "x", "h" as unknown as Record<string, string>))
            ?.message,
        );
      },
    }),
  ]);
  assert.deepEqual(errs, [
    "kit.response.exit(): code must be a number between 100 and 599",
    "kit.response.exit(): code must be a number between 100 and 599",
    "kit.response.exit(): body must be undefined, a string, a Buffer or an object, got number",
    "kit.response.exit(): headers must be undefined or an object, got string",
  ]);
});

test("exit in header_filter replaces the upstream response, with or without a body", async () => {
  const upstream = {
    status: 200,
    headers: { "Content-Type": "text/html", "Content-Encoding": "gzip" },
    body: "zzz",
  };
  const bare = await run(
    [
      plugin("p", 1, {
        header_filter: (kit) => kit.response.exit(451, undefined, { "X-Blocked": "1" }),
      }),
    ],
    { upstream },
  );
  assert.equal(bare.response.status, 451);
  assert.equal(bare.response.text, "");
  assert.equal(bare.response.header("x-blocked"), "1");
  assert.equal(bare.response.header("content-encoding"), undefined);
  assert.equal(bare.response.header("content-length"), "0");
  const withBody = await run(
    [plugin("p", 1, { header_filter: (kit) => kit.response.exit(451, { blocked: true }) })],
    { upstream },
  );
  assert.equal(withBody.response.status, 451);
  assert.deepEqual(withBody.response.json(), { blocked: true });
  assert.equal(withBody.response.header("content-type"), "application/json; charset=utf-8");
  assert.equal(withBody.response.header("content-encoding"), undefined);
  assert.equal(withBody.response.header("content-length"), "16");
});

test("exit and error may not be called in body_filter or log", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      body_filter: (kit) => void errs.push(thrown(() => kit.response.exit(200))?.message),
      log: (kit) => void errs.push(thrown(() => kit.response.error(500))?.message),
    }),
  ]);
  assert.deepEqual(errs, [
    'kit.response.exit() may not be called in the "body_filter" phase',
    'kit.response.error() may not be called in the "log" phase',
  ]);
});

test("a second exit in the same phase is refused", async () => {
  let err: Error | undefined;
  const r = await run([
    plugin("p", 1, {
      access: (kit) => {
        kit.response.exit(401);
        err = thrown(() => kit.response.exit(200));
      },
    }),
  ]);
  assert.equal(err?.message, "kit.response.exit(): a response was already produced in this phase");
  assert.equal(r.response.status, 401);
});

test("getErrorMessage: error() message, generic for throws, undefined for exit() and upstream", async () => {
  const seen: (string | undefined)[] = [];
  const probe = plugin("probe", 1, {
    header_filter: (kit) => void seen.push(kit.response.getErrorMessage()),
  });
  await run([plugin("e", 5, { access: (kit) => kit.response.error(401, "No key") }), probe]);
  await run([plugin("e", 5, { access: (kit) => kit.response.error(403) }), probe]);
  await run([
    plugin("t", 5, {
      access: () => {
        throw new Error("secret detail");
      },
    }),
    probe,
  ]);
  await run([plugin("x", 5, { access: (kit) => kit.response.exit(404, "raw") }), probe]);
  await run([probe], { upstream: { status: 500, body: "upstream" } });
  await run([probe], { upstream: { fail: "timeout" } });
  assert.deepEqual(seen, [
    "No key",
    "Forbidden",
    "An unexpected error occurred",
    undefined,
    undefined,
    "The upstream server is timing out",
  ]);
});
