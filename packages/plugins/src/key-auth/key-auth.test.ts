import assert from "node:assert/strict";
import { test } from "node:test";
import type { CredentialLookup, PluginInstanceSpec } from "@gatehouse/plugin-kit";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runChain, runPlugin } from "@gatehouse/plugin-kit/testing";
import { builtinCatalog, keyAuth } from "../index.js";

const alice = { id: "c-alice", username: "alice", customId: "A1" };
const anon = { id: "c-anon", username: "anonymous" };
const credentials: CredentialLookup = {
  keyAuth: (key) => (key === "secret" ? { consumer: alice, credential: { id: "k-1" } } : undefined),
  consumer: (idOrName) => [alice, anon].find((c) => c.id === idOrName || c.username === idOrName),
};
const errors = (raw: unknown) => {
  const r = validatePluginConfig(keyAuth, raw);
  return r.ok ? [] : r.errors;
};

test("no key: 401 'No API key found in request' with Kong's bare WWW-Authenticate: Key", async () => {
  const r = await runPlugin(keyAuth, {}, { credentials });
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "No API key found in request" });
  assert.equal(r.response.header("www-authenticate"), "Key");
});

test("a wrong key answers 401 Unauthorized as Kong 3.6+", async () => {
  const r = await runPlugin(
    keyAuth,
    {},
    { credentials, request: { headers: { apikey: "wrong" } } },
  );
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Unauthorized" });
  assert.equal(r.response.header("www-authenticate"), "Key");
});

test("a valid key in a header authenticates and proxies with consumer headers", async () => {
  const r = await runPlugin(
    keyAuth,
    {},
    { credentials, request: { headers: { apikey: "secret" } } },
  );
  assert.equal(r.response.status, 200);
  const h = r.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-ID"], "c-alice");
  assert.equal(h["X-Consumer-Username"], "alice");
  assert.equal(h["X-Consumer-Custom-ID"], "A1");
  assert.equal(h["X-Credential-Identifier"], "k-1");
  assert.equal(h.apikey, "secret");
  assert.equal(r.tx.consumer?.id, "c-alice");
});

test("a valid key in the query string authenticates", async () => {
  const r = await runPlugin(keyAuth, {}, { credentials, request: { query: "apikey=secret&x=1" } });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.query, "apikey=secret&x=1");
});

test("key_names: every name is tried", async () => {
  const r = await runPlugin(
    keyAuth,
    { key_names: ["x-api-key", "token"] },
    { credentials, request: { headers: { token: "secret" } } },
  );
  assert.equal(r.response.status, 200);
});

test("key_in_header: false ignores headers", async () => {
  const r = await runPlugin(
    keyAuth,
    { key_in_header: false },
    { credentials, request: { headers: { apikey: "secret" } } },
  );
  assert.equal(r.response.status, 401);
});

test("key_in_query: false ignores the query string", async () => {
  const r = await runPlugin(
    keyAuth,
    { key_in_query: false },
    { credentials, request: { query: "apikey=secret" } },
  );
  assert.equal(r.response.status, 401);
});

test("key_in_body: a key in a form or JSON body authenticates (off by default)", async () => {
  const form = {
    method: "POST",
    body: "apikey=secret",
    headers: { "content-type": "application/x-www-form-urlencoded" },
  };
  assert.equal((await runPlugin(keyAuth, {}, { credentials, request: form })).response.status, 401);
  const r = await runPlugin(keyAuth, { key_in_body: true }, { credentials, request: form });
  assert.equal(r.response.status, 200);
  const json = {
    method: "POST",
    body: '{"apikey":"secret"}',
    headers: { "content-type": "application/json" },
  };
  assert.equal(
    (await runPlugin(keyAuth, { key_in_body: true }, { credentials, request: json })).response
      .status,
    200,
  );
});

test("hide_credentials removes the key from header, query and body", async () => {
  const h = await runPlugin(
    keyAuth,
    { hide_credentials: true },
    { credentials, request: { headers: { apikey: "secret", "x-o": "1" } } },
  );
  assert.equal(h.upstreamRequest!.headers.apikey, undefined);
  const q = await runPlugin(
    keyAuth,
    { hide_credentials: true },
    { credentials, request: { query: "apikey=secret&x=1" } },
  );
  assert.equal(q.upstreamRequest!.query, "x=1");
  const b = await runPlugin(
    keyAuth,
    { hide_credentials: true, key_in_body: true },
    {
      credentials,
      request: {
        method: "POST",
        body: '{"apikey":"secret","a":1}',
        headers: { "content-type": "application/json" },
      },
    },
  );
  assert.equal(b.upstreamRequest!.body.toString(), '{"a":1}');
});

const BOUNDARY = "----gh-boundary-7MA4YWxkTrZu0gW";
function multipart(fields: [string, string, string?][]): string {
  return (
    fields
      .map(([name, value, filename]) =>
        filename
          ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${value}\r\n`
          : `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      )
      .join("") + `--${BOUNDARY}--\r\n`
  );
}
const multipartType = `multipart/form-data; boundary=${BOUNDARY}`;

test("key_in_body reads a multipart/form-data body, as Kong's get_body does", async () => {
  const request = {
    method: "POST",
    headers: { "content-type": multipartType },
    body: multipart([
      ["note", "hello"],
      ["apikey", "secret"],
    ]),
  };
  const r = await runPlugin(keyAuth, { key_in_body: true }, { credentials, request });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Consumer-ID"], "c-alice");
  // not hidden: the body goes upstream unchanged
  assert.equal(r.upstreamRequest!.body.toString(), request.body);
  const wrong = await runPlugin(
    keyAuth,
    { key_in_body: true },
    { credentials, request: { ...request, body: multipart([["apikey", "nope"]]) } },
  );
  assert.deepEqual(wrong.response.json(), { message: "Unauthorized" });
});

test("hide_credentials removes the key from the query without reordering or re-encoding the rest", async () => {
  const q = await runPlugin(
    keyAuth,
    { hide_credentials: true },
    { credentials, request: { query: "z=1&a=%7Ex+y&apikey=secret&m=&b=2&b=1" } },
  );
  assert.equal(q.response.status, 200);
  assert.equal(q.upstreamRequest!.query, "z=1&a=%7Ex+y&m=&b=2&b=1");
  // found in a header: the same name also leaves the query (Kong clears both)
  const h = await runPlugin(
    keyAuth,
    { hide_credentials: true },
    { credentials, request: { headers: { apikey: "secret" }, query: "b=1&apikey=x&a=2" } },
  );
  assert.equal(h.upstreamRequest!.query, "b=1&a=2");
});

test("hide_credentials with key_in_body removes the key from form and multipart bodies, nothing else", async () => {
  const form = await runPlugin(
    keyAuth,
    { hide_credentials: true, key_in_body: true },
    {
      credentials,
      request: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "z=%41&apikey=secret&a=1",
      },
    },
  );
  assert.equal(form.response.status, 200);
  assert.equal(form.upstreamRequest!.body.toString(), "z=%41&a=1");
  const body = multipart([
    ["note", "hello"],
    ["apikey", "secret"],
    ["file", "file\r\ncontent", "a.txt"],
  ]);
  const mp = await runPlugin(
    keyAuth,
    { hide_credentials: true, key_in_body: true },
    { credentials, request: { method: "POST", headers: { "content-type": multipartType }, body } },
  );
  assert.equal(mp.response.status, 200);
  assert.equal(
    mp.upstreamRequest!.body.toString(),
    multipart([
      ["note", "hello"],
      ["file", "file\r\ncontent", "a.txt"],
    ]),
  );
});

test("the same key given twice is refused: 'Duplicate API key found'", async () => {
  const r = await runPlugin(
    keyAuth,
    {},
    { credentials, request: { query: "apikey=secret&apikey=secret" } },
  );
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Duplicate API key found" });
});

test("anonymous: a failed authentication continues as the anonymous consumer", async () => {
  const r = await runPlugin(keyAuth, { anonymous: "anonymous" }, { credentials });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Anonymous-Consumer"], "true");
  assert.equal(r.upstreamRequest!.headers["X-Consumer-ID"], "c-anon");
});

test("anonymous naming a missing consumer answers 500 naming it, as Kong (logged too)", async () => {
  const r = await runPlugin(keyAuth, { anonymous: "ghost" }, { credentials });
  assert.equal(r.response.status, 500);
  const message = "anonymous consumer ghost is configured but doesn't exist";
  assert.deepEqual(r.response.json(), { message });
  assert.ok(r.logs.some((l) => l.msg === message));
  assert.equal(r.upstreamRequest, undefined);
});

test("run_on_preflight: false lets OPTIONS through unauthenticated", async () => {
  const on = await runPlugin(keyAuth, {}, { credentials, request: { method: "OPTIONS" } });
  const off = await runPlugin(
    keyAuth,
    { run_on_preflight: false },
    { credentials, request: { method: "OPTIONS" } },
  );
  assert.deepEqual([on.response.status, off.response.status], [401, 200]);
});

test("realm changes the WWW-Authenticate realm", async () => {
  const r = await runPlugin(keyAuth, { realm: "api" }, { credentials });
  assert.equal(r.response.header("www-authenticate"), 'Key realm="api"');
});

test("the 401 body follows the request's Accept", async () => {
  const r = await runPlugin(
    keyAuth,
    {},
    { credentials, request: { headers: { accept: "text/plain" } } },
  );
  assert.equal(r.response.text, "No API key found in request\n");
});

test("consumer-scoped plugins apply once key-auth authenticated the consumer", async () => {
  const specs: PluginInstanceSpec[] = [
    { name: "key-auth", config: {} },
    {
      name: "request-termination",
      config: { status_code: 403, message: "alice is blocked" },
      consumer: "c-alice",
    },
  ];
  const r = await runChain(specs, builtinCatalog, {
    credentials,
    request: { headers: { apikey: "secret" } },
  });
  assert.equal(r.response.status, 403);
  assert.deepEqual(r.response.json(), { message: "alice is blocked" });
});

test("config rejections: empty key_names, invalid key name, wrong types", () => {
  assert.deepEqual(errors({ key_names: [] }), [
    { path: "config.key_names", message: "at least one key name is required" },
  ]);
  assert.deepEqual(errors({ key_names: ["bad name"] }), [
    { path: "config.key_names[0]", message: "'bad name' is not a valid header name" },
  ]);
  assert.deepEqual(errors({ hide_credentials: "yes" }), [
    {
      path: "config.hide_credentials",
      message: "must be a boolean, got string",
    },
  ]);
  assert.deepEqual(errors({ realm: 'a"b' }), [
    { path: "config.realm", message: "must not contain a double quote" },
  ]);
});

test("defaults are Kong's", () => {
  const r = validatePluginConfig(keyAuth, {});
  assert.deepEqual(r.ok && r.config, {
    key_names: ["apikey"],
    hide_credentials: false,
    key_in_header: true,
    key_in_query: true,
    key_in_body: false,
    run_on_preflight: true,
  });
});
