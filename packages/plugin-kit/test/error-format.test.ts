import assert from "node:assert/strict";
import { test } from "node:test";
import { plugin, run, thrown } from "./helpers.js";

const errorPlugin = (status: number, message?: string, headers?: Record<string, string>) =>
  plugin("e", 1, { access: (kit) => kit.response.error(status, message, headers) });

test("error() defaults to JSON {message} with Kong's default message for the status", async () => {
  const r = await run([errorPlugin(401)]);
  assert.equal(r.response.status, 401);
  assert.equal(r.response.header("content-type"), "application/json; charset=utf-8");
  assert.equal(r.response.text, '{"message":"Unauthorized"}');
  assert.equal(r.response.header("content-length"), String(r.response.body.length));
});

test("error() default messages follow Kong for 404, 500 and unknown codes", async () => {
  const msgs: string[] = [];
  for (const s of [404, 500, 503, 499]) {
    msgs.push((await run([errorPlugin(s)])).response.json<{ message: string }>().message);
  }
  assert.deepEqual(msgs, [
    "Not found",
    "An unexpected error occurred",
    "The upstream server is currently unavailable",
    "The upstream server responded with 499",
  ]);
});

test("error() formats by the request's Accept header: XML", async () => {
  const r = await run([errorPlugin(403, "Access Forbidden")], {
    request: { headers: { accept: "application/xml" } },
  });
  assert.equal(r.response.header("content-type"), "application/xml; charset=utf-8");
  assert.equal(
    r.response.text,
    '<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>Access Forbidden</message>\n</error>\n',
  );
});

test("error() formats by Accept: HTML, with the message escaped", async () => {
  const r = await run([errorPlugin(403, "<b>no</b>")], {
    request: { headers: { accept: "text/html" } },
  });
  assert.equal(r.response.header("content-type"), "text/html; charset=utf-8");
  assert.match(r.response.text, /<p>&lt;b&gt;no&lt;\/b&gt;\.<\/p>/);
});

test("error() formats by Accept: plain text", async () => {
  const r = await run([errorPlugin(403, "Access Forbidden")], {
    request: { headers: { accept: "text/plain" } },
  });
  assert.equal(r.response.header("content-type"), "text/plain; charset=utf-8");
  assert.equal(r.response.text, "Access Forbidden\n");
});

test("error() honours q-values in Accept (highest wins, q=0 never)", async () => {
  const pick = async (accept: string) =>
    (await run([errorPlugin(400)], { request: { headers: { accept } } })).response.header(
      "content-type",
    );
  assert.equal(
    await pick("text/html;q=0.5, application/xml;q=0.9"),
    "application/xml; charset=utf-8",
  );
  assert.equal(await pick("text/plain;q=0, text/html;q=0.1"), "text/html; charset=utf-8");
  assert.equal(await pick("image/png"), "application/json; charset=utf-8");
  assert.equal(await pick("text/*"), "text/plain; charset=utf-8");
});

test("an explicit Content-Type in error()'s headers wins over Accept", async () => {
  const r = await run(
    [
      errorPlugin(403, "Access Forbidden", {
        "Content-Type": "text/plain",
        "WWW-Authenticate": "Basic",
      }),
    ],
    {
      request: { headers: { accept: "application/json" } },
    },
  );
  assert.equal(r.response.header("content-type"), "text/plain");
  assert.equal(r.response.text, "Access Forbidden\n");
  assert.equal(r.response.header("www-authenticate"), "Basic");
});

test("error() only takes status 400..599 and a string message", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      access: (kit) => {
        errs.push(thrown(() => kit.response.error(399))?.message);
        errs.push(thrown(() => kit.response.error(600))?.message);
        errs.push(thrown(() => kit.response.error(500, 5 as unknown as string))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    "kit.response.error(): code must be a number between 400 and 599",
    "kit.response.error(): code must be a number between 400 and 599",
    "kit.response.error(): message must be undefined or a string, got number",
  ]);
});

test("error() in header_filter replaces the upstream response", async () => {
  const r = await run([plugin("p", 1, { header_filter: (kit) => kit.response.error(502) })], {
    upstream: {
      status: 200,
      headers: { "content-type": "text/html", "content-encoding": "gzip" },
      body: "zz",
    },
  });
  assert.equal(r.response.status, 502);
  assert.equal(r.response.header("content-encoding"), undefined);
  assert.deepEqual(r.response.json(), {
    message: "An invalid response was received from the upstream server",
  });
});
