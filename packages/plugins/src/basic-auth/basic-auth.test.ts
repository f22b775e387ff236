import assert from "node:assert/strict";
import { test } from "node:test";
import type { BasicAuthCredential, CredentialLookup } from "@gatehouse/plugin-kit";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runChain, runPlugin } from "@gatehouse/plugin-kit/testing";
import { hashPassword } from "@gatehouse/secrets";
import { basicAuth, builtinCatalog } from "../index.js";

const alice = { id: "c-alice", username: "alice", customId: "A1" };
const bob = { id: "c-bob", username: "bob" };
const anon = { id: "c-anon", username: "anonymous" };
const bobHash = await hashPassword("builder", { N: 1024, r: 8, p: 1 });
const creds: Record<
  string,
  { consumer: typeof alice | typeof bob; credential: BasicAuthCredential }
> = {
  alice: { consumer: alice, credential: { id: "b-1", username: "alice", password: "wonderland" } },
  bob: { consumer: bob, credential: { id: "b-2", username: "bob", passwordHash: bobHash } },
};
const credentials: CredentialLookup = {
  basicAuth: (username) => creds[username],
  consumer: (idOrName) =>
    [alice, bob, anon].find((c) => c.id === idOrName || c.username === idOrName),
};
const basic = (user: string, pw: string) =>
  `Basic ${Buffer.from(`${user}:${pw}`).toString("base64")}`;
const run = (config: unknown, headers: Record<string, string> = {}) =>
  runPlugin(basicAuth, config, { credentials, request: { headers } });
const errors = (raw: unknown) => {
  const r = validatePluginConfig(basicAuth, raw);
  return r.ok ? [] : r.errors;
};

test("no Authorization header: 401 'Unauthorized' with Kong's WWW-Authenticate Basic realm=\"service\"", async () => {
  const r = await run({});
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Unauthorized" });
  assert.equal(r.response.header("www-authenticate"), 'Basic realm="service"');
  assert.equal(r.upstreamRequest, undefined);
});

test("a plaintext password authenticates and sets Kong's consumer headers", async () => {
  const r = await run({}, { authorization: basic("alice", "wonderland") });
  assert.equal(r.response.status, 200);
  const h = r.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-ID"], "c-alice");
  assert.equal(h["X-Consumer-Username"], "alice");
  assert.equal(h["X-Consumer-Custom-ID"], "A1");
  assert.equal(h["X-Credential-Identifier"], "alice");
  assert.equal(h["X-Anonymous-Consumer"], undefined);
  assert.equal(r.tx.consumer?.id, "c-alice");
});

test("a scrypt password_hash (the db format) authenticates; a wrong password does not", async () => {
  assert.equal((await run({}, { authorization: basic("bob", "builder") })).response.status, 200);
  const again = await run({}, { authorization: basic("bob", "builder") });
  assert.equal(again.response.status, 200, "cached verdict");
  const wrong = await run({}, { authorization: basic("bob", "builder!") });
  assert.equal(wrong.response.status, 401);
  assert.deepEqual(wrong.response.json(), { message: "Unauthorized" });
});

test("a wrong password, unknown user or malformed header answers 401 Unauthorized as Kong 3.6+", async () => {
  for (const authorization of [
    basic("alice", "nope"),
    basic("carol", "wonderland"),
    "Basic !!!notbase64",
    `Basic ${Buffer.from("no-colon").toString("base64")}`,
    "Bearer abc",
  ]) {
    const r = await run({}, { authorization });
    assert.equal(r.response.status, 401, authorization);
    assert.deepEqual(r.response.json(), { message: "Unauthorized" });
    assert.equal(r.response.header("www-authenticate"), 'Basic realm="service"');
  }
});

test("a password may contain colons; the scheme is case-insensitive (Kong's [Bb]asic)", async () => {
  creds.colon = {
    consumer: alice,
    credential: { id: "b-3", username: "colon", password: "a:b:c" },
  };
  const r = await run({}, { authorization: basic("colon", "a:b:c").replace("Basic", "basic") });
  assert.equal(r.response.status, 200);
});

test("Proxy-Authorization is tried first, then Authorization", async () => {
  const proxy = await run({}, { "proxy-authorization": basic("alice", "wonderland") });
  assert.equal(proxy.response.status, 200);
  const both = await run(
    {},
    { "proxy-authorization": basic("carol", "x"), authorization: basic("alice", "wonderland") },
  );
  assert.equal(both.response.status, 200);
});

test("hide_credentials removes the Authorization header before proxying (kept by default)", async () => {
  const kept = await run({}, { authorization: basic("alice", "wonderland") });
  assert.equal(kept.upstreamRequest!.headers.authorization, basic("alice", "wonderland"));
  const hidden = await run(
    { hide_credentials: true },
    { authorization: basic("alice", "wonderland") },
  );
  assert.equal(hidden.response.status, 200);
  assert.equal(hidden.upstreamRequest!.headers.authorization, undefined);
});

test("realm sets the WWW-Authenticate realm", async () => {
  const r = await run({ realm: "orders" });
  assert.equal(r.response.header("www-authenticate"), 'Basic realm="orders"');
});

test("anonymous: a failed authentication continues as that consumer with X-Anonymous-Consumer", async () => {
  const r = await run({ anonymous: "anonymous" }, { authorization: basic("alice", "nope") });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Anonymous-Consumer"], "true");
  assert.equal(r.upstreamRequest!.headers["X-Consumer-ID"], "c-anon");
  assert.equal(r.upstreamRequest!.headers["X-Credential-Identifier"], undefined);
});

test("anonymous naming a missing consumer answers 500 naming it, as Kong, not a bypass", async () => {
  const r = await run({ anonymous: "ghost" });
  assert.equal(r.response.status, 500);
  assert.deepEqual(r.response.json(), {
    message: "anonymous consumer ghost is configured but doesn't exist",
  });
  assert.equal(r.upstreamRequest, undefined);
});

test("anonymous + an earlier successful authentication plugin: logical OR, basic-auth does nothing", async () => {
  const lookup: CredentialLookup = {
    ...credentials,
    keyAuth: (key) => (key === "k" ? { consumer: bob, credential: { id: "k-1" } } : undefined),
  };
  const specs = [
    { name: "key-auth", config: { anonymous: "anonymous" } },
    { name: "basic-auth", config: { anonymous: "anonymous" } },
  ];
  const r = await runChain(specs, builtinCatalog, {
    credentials: lookup,
    request: { headers: { apikey: "k" } },
  });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Consumer-ID"], "c-bob");
});

test("config: defaults, and every rejection names the field", () => {
  const ok = validatePluginConfig(basicAuth, {});
  assert.deepEqual(ok.ok && ok.config, { hide_credentials: false, realm: "service" });
  assert.deepEqual(
    errors({ hide_credentials: "yes" }).map((e) => e.path),
    ["config.hide_credentials"],
  );
  assert.deepEqual(errors({ realm: 'a"b' }), [
    { path: "config.realm", message: "must not contain a double quote" },
  ]);
  assert.deepEqual(errors({ realm: "a\r\nb" })[0]?.path, "config.realm");
  assert.deepEqual(errors({ anonymous: "" }), [
    { path: "config.anonymous", message: "must not be empty" },
  ]);
  assert.deepEqual(errors({ other: 1 })[0], { path: "config.other", message: "unknown field" });
});

test("the authenticated consumer's own plugins apply (consumer-scoped request-termination)", async () => {
  const specs = [
    { name: "basic-auth", config: {} },
    {
      name: "request-termination",
      config: { status_code: 418, message: "alice only" },
      consumer: "c-alice",
    },
  ];
  const a = await runChain(specs, builtinCatalog, {
    credentials,
    request: { headers: { authorization: basic("alice", "wonderland") } },
  });
  assert.equal(a.response.status, 418);
  assert.deepEqual(a.response.json(), { message: "alice only" });
  const b = await runChain(specs, builtinCatalog, {
    credentials,
    request: { headers: { authorization: basic("bob", "builder") } },
  });
  assert.equal(b.response.status, 200);
});

test("many concurrent hashed-password checks all get their own right answer", async () => {
  const attempts = Array.from({ length: 12 }, (_, i) =>
    run({}, { authorization: basic("bob", i === 7 ? "builder" : `guess-${i}`) }),
  );
  const statuses = (await Promise.all(attempts)).map((r) => r.response.status);
  assert.deepEqual(
    statuses,
    statuses.map((_, i) => (i === 7 ? 200 : 401)),
  );
});
