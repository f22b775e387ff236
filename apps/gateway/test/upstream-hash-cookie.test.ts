// Issue 12: Kong's sticky cookie. An upstream hashing on a cookie (hash_on or hash_fallback) that
// the request lacks generates it: the balancer hashes a fresh UUID, the response sets it, and the
// client keeps reaching the same target with it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { gateway, send } from "./helpers.js";
import { backends, poolDoc } from "./upstream-helpers.js";

const STICKY =
  /^sticky=([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}); Path=\/app; Same-Site=Lax; HttpOnly$/;

const cookieHashing = {
  algorithm: "consistent-hashing",
  hash_on: "cookie",
  hash_on_cookie: "sticky",
  hash_on_cookie_path: "/app",
};

test("hash_on cookie: a client without the cookie gets one and then keeps hitting the same target", async (t) => {
  const list = await backends(t, 3);
  const gw = await gateway(
    t,
    poolDoc(
      list.map((b) => ({ target: b.target })),
      cookieHashing,
    ),
  );
  const firstTargets = new Set<string>();
  for (let client = 0; client < 12; client++) {
    const first = await send(gw.url);
    assert.equal(first.status, 200, first.text);
    const setCookie = first.headers["set-cookie"] ?? [];
    assert.equal(setCookie.length, 1, JSON.stringify(setCookie));
    const m = STICKY.exec(setCookie[0] as string);
    assert.ok(m, setCookie[0]);
    firstTargets.add(first.text);
    for (let i = 0; i < 5; i++) {
      const again = await send(gw.url, { headers: { cookie: `other=1; sticky=${m[1]}` } });
      assert.equal(again.text, first.text, `client ${client}, request ${i}`);
      assert.equal(again.headers["set-cookie"], undefined, "a client with the cookie keeps it");
    }
  }
  // fresh cookies spread over the targets (12 clients on one of 3 targets: p < 1e-5)
  assert.ok(firstTargets.size > 1, JSON.stringify([...firstTargets]));
});

test("the cookie's Path is hash_on_cookie_path (default /); it reaches the client through response plugins and replaces the upstream's cookie of that name", async (t) => {
  const [a, b] = await backends(t, 2);
  for (const be of [a!, b!]) {
    be.behave = (_req, res) => {
      res.setHeader("set-cookie", ["sticky=from-upstream; Path=/", "session=s1; Path=/"]);
      res.end(be.name);
      return true;
    };
  }
  const { hash_on_cookie_path: _path, ...noPath } = cookieHashing;
  const gw = await gateway(
    t,
    poolDoc([{ target: a!.target }, { target: b!.target }], noPath, {
      plugins: [{ name: "response-transformer", config: { add: { headers: ["x-seen:1"] } } }],
    }),
  );
  const r = await send(gw.url);
  assert.equal(r.status, 200);
  assert.equal(r.headers["x-seen"], "1", "the response plugin ran");
  const cookies = r.headers["set-cookie"] ?? [];
  assert.equal(cookies.length, 2, JSON.stringify(cookies));
  assert.equal(cookies[0], "session=s1; Path=/");
  assert.match(cookies[1] as string, /^sticky=[0-9a-f-]{36}; Path=\/; Same-Site=Lax; HttpOnly$/);
});

test("a response that never went to a target (a plugin's early exit) sets no cookie", async (t) => {
  const [a, b] = await backends(t, 2);
  const gw = await gateway(
    t,
    poolDoc([{ target: a!.target }, { target: b!.target }], cookieHashing, {
      plugins: [{ name: "request-termination", config: { status_code: 403, message: "closed" } }],
    }),
  );
  for (let i = 0; i < 2; i++) {
    const r = await send(gw.url);
    assert.equal(r.status, 403);
    assert.equal(r.headers["set-cookie"], undefined);
  }
  assert.equal(a!.hits + b!.hits, 0);
});

test("hash_fallback cookie: generated only when the hash_on header is missing", async (t) => {
  const list = await backends(t, 3);
  const gw = await gateway(
    t,
    poolDoc(
      list.map((b) => ({ target: b.target })),
      {
        algorithm: "consistent-hashing",
        hash_on: "header",
        hash_on_header: "x-user",
        hash_fallback: "cookie",
        hash_on_cookie: "sticky",
        hash_on_cookie_path: "/app",
      },
    ),
  );
  const withHeader = await send(gw.url, { headers: { "x-user": "ann" } });
  assert.equal(withHeader.status, 200);
  assert.equal(withHeader.headers["set-cookie"], undefined);
  const without = await send(gw.url);
  const m = STICKY.exec((without.headers["set-cookie"] ?? [])[0] ?? "");
  assert.ok(m, JSON.stringify(without.headers["set-cookie"]));
  for (let i = 0; i < 5; i++) {
    const again = await send(gw.url, { headers: { cookie: `sticky=${m[1]}` } });
    assert.equal(again.text, without.text);
  }
});
