import assert from "node:assert/strict";
import { test } from "node:test";
import { plugin, run, thrown } from "./helpers.js";

test("request getters reflect the client request", async () => {
  let got: unknown[] = [];
  await run(
    [
      plugin("p", 1, {
        access: (kit) => {
          got = [
            kit.request.getMethod(),
            kit.request.getScheme(),
            kit.request.getHost(),
            kit.request.getPort(),
            kit.request.getPath(),
            kit.request.getRawQuery(),
            kit.request.getQueryArg("a"),
            kit.request.getQuery(),
            kit.request.getHeader("X_Api_Key"),
            kit.client.getIp(),
          ];
        },
      }),
    ],
    {
      request: {
        method: "POST",
        scheme: "https",
        host: "api.test",
        port: 8443,
        path: "/x",
        query: "a=1&a=2&b=",
        headers: { "x-api-key": "k" },
        clientIp: "10.1.2.3",
      },
    },
  );
  assert.deepEqual(got, [
    "POST",
    "https",
    "api.test",
    8443,
    "/x",
    "a=1&a=2&b=",
    "1",
    { a: ["1", "2"], b: "" },
    "k",
    "10.1.2.3",
  ]);
});

test("request setters change what is forwarded", async () => {
  const r = await run(
    [
      plugin("p", 1, {
        access: (kit) => {
          kit.request.setMethod("put");
          kit.request.setPath("/new");
          kit.request.setQuery({ z: "1", a: ["x y", "2"], flag: true });
          kit.request.setHeader("X-Added", "1");
          kit.request.clearHeader("x-secret");
        },
      }),
    ],
    { request: { headers: { "x-secret": "s", host: "h" } } },
  );
  const up = r.upstreamRequest!;
  assert.equal(up.method, "PUT");
  assert.equal(up.path, "/new");
  assert.equal(up.pathChanged, true);
  assert.equal(up.query, "a=x%20y&a=2&flag&z=1");
  assert.equal(up.headers["X-Added"], "1");
  assert.equal(up.headers["x-secret"], undefined);
  assert.equal(up.headers.host, "h");
});

test("request setters are refused after access", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        errs.push(thrown(() => kit.request.setHeader("a", "b"))?.message);
        errs.push(thrown(() => kit.request.setPath("/x"))?.message);
        errs.push(thrown(() => kit.client.authenticate({ id: "c" }, null))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    'kit.request.setHeader() may not be called in the "header_filter" phase',
    'kit.request.setPath() may not be called in the "header_filter" phase',
    'kit.client.authenticate() may not be called in the "header_filter" phase',
  ]);
});

test("setPath() and setMethod() check their argument", async () => {
  const errs: (string | undefined)[] = [];
  await run([
    plugin("p", 1, {
      access: (kit) => {
        errs.push(thrown(() => kit.request.setPath("x"))?.message);
        errs.push(thrown(() => kit.request.setPath("/a b"))?.message);
        errs.push(thrown(() => kit.request.setMethod("GE T"))?.message);
        errs.push(thrown(() => kit.request.setHeader("X", "a\nb"))?.message);
      },
    }),
  ]);
  assert.deepEqual(errs, [
    "kit.request.setPath(): path must start with /",
    "kit.request.setPath(): path must not contain spaces, control characters, '?' or '#'",
    'kit.request.setMethod(): invalid method: "GE T"',
    'kit.request.setHeader(): invalid header value for "X": contains CR or LF',
  ]);
});

test("a plugin that reads the body hands it back to the proxy (forwarded buffered, Content-Length set)", async () => {
  let seen = "";
  const r = await run(
    [
      plugin("p", 1, {
        access: async (kit) => void (seen = (await kit.request.getRawBody()).toString()),
      }),
    ],
    {
      request: { method: "POST", body: "hello", headers: { "transfer-encoding": "chunked" } },
    },
  );
  assert.equal(seen, "hello");
  assert.equal(r.bodyRead, true);
  assert.equal(r.upstreamRequest?.body.toString(), "hello");
  assert.equal(r.upstreamRequest?.headers["content-length"], "5");
  assert.equal(r.upstreamRequest?.headers["transfer-encoding"], undefined);
});

test("the body is not read unless a plugin asks for it", async () => {
  const r = await run([plugin("p", 1, { access: () => {} })], {
    request: { method: "POST", body: "x" },
  });
  assert.equal(r.bodyRead, false);
  assert.equal(r.tx.result.kind === "proxy" && r.tx.result.request.body, undefined);
});

test("setRawBody() replaces the forwarded body; getBody() parses JSON and forms", async () => {
  let parsed: unknown[] = [];
  const r = await run(
    [
      plugin("p", 1, {
        access: async (kit) => {
          parsed.push(await kit.request.getBody());
          kit.request.setRawBody("replaced");
        },
      }),
    ],
    {
      request: { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } },
    },
  );
  assert.deepEqual(parsed, [{ mime: "json", args: { a: 1 } }]);
  assert.equal(r.upstreamRequest?.body.toString(), "replaced");
  parsed = [];
  await run(
    [plugin("p", 1, { access: async (kit) => void parsed.push(await kit.request.getBody()) })],
    {
      request: {
        method: "POST",
        body: "a=1&b=2",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      },
    },
  );
  assert.deepEqual(parsed, [{ mime: "form", args: { a: "1", b: "2" } }]);
});

test("getRawBody() is refused after access", async () => {
  let err: Error | undefined;
  await run([
    plugin("p", 1, {
      header_filter: (kit) => {
        err = thrown(() => void kit.request.getRawBody().catch(() => {}));
      },
    }),
  ]);
  assert.equal(
    err?.message,
    'kit.request.getRawBody() may not be called in the "header_filter" phase',
  );
});

test("authenticate() sets consumer and credential for later plugins", async () => {
  let seen: unknown[] = [];
  await run([
    plugin("a", 2, {
      access: (kit) => kit.client.authenticate({ id: "c1", username: "alice" }, { id: "k1" }),
    }),
    plugin("b", 1, {
      log: (kit) =>
        void (seen = [kit.client.getConsumer()?.username, kit.client.getCredential()?.id]),
    }),
  ]);
  assert.deepEqual(seen, ["alice", "k1"]);
});

test("kit.router gives the matched route and service", async () => {
  let seen: unknown[] = [];
  await run(
    [
      plugin("a", 1, {
        access: (kit) => void (seen = [kit.router.getRoute(), kit.router.getService()]),
      }),
    ],
    {
      route: { id: "r1" },
      service: { id: "s1" },
    },
  );
  assert.deepEqual(seen, [{ id: "r1" }, { id: "s1" }]);
});
