import assert from "node:assert/strict";
import { test } from "node:test";
import type { Kit } from "../src/index.js";
import { plugin, run } from "./helpers.js";

test("plugins run in priority order (higher first) within a phase", async () => {
  const order: string[] = [];
  const mk = (n: string, p: number) => plugin(n, p, { access: () => void order.push(n) });
  await run([mk("low", 1), mk("high", 100), mk("mid", 50)]);
  assert.deepEqual(order, ["high", "mid", "low"]);
});

test("an exit skips the rest of the phase and the proxying", async () => {
  const order: string[] = [];
  const r = await run([
    plugin("a", 3, { access: (kit) => kit.response.exit(401) }),
    plugin("b", 2, { access: () => void order.push("b.access") }),
  ]);
  assert.deepEqual(order, []);
  assert.equal(r.upstreamRequest, undefined);
  assert.equal(r.tx.result.kind, "respond");
});

test("after an exit, header_filter, body_filter and log run for every plugin and see source 'exit'", async () => {
  const seen: string[] = [];
  const all = (n: string) => ({
    header_filter: (kit: Kit) => void seen.push(`${n}.h:${kit.response.getSource()}`),
    body_filter: (kit: Kit) => void seen.push(`${n}.b:${kit.response.getSource()}`),
    log: (kit: Kit) => void seen.push(`${n}.l:${kit.response.getSource()}`),
  });
  await run([
    plugin("a", 3, { access: (kit) => kit.response.exit(401), ...all("a") }),
    plugin("b", 2, { access: () => void seen.push("b.access"), ...all("b") }),
  ]);
  assert.deepEqual(seen, ["a.h:exit", "b.h:exit", "a.b:exit", "b.b:exit", "a.l:exit", "b.l:exit"]);
});

test("rewrite runs before access; an exit in rewrite skips access", async () => {
  const order: string[] = [];
  await run([
    plugin("a", 1, {
      rewrite: () => void order.push("a.rewrite"),
      access: () => void order.push("a.access"),
    }),
    plugin("b", 2, {
      rewrite: (kit) => kit.response.exit(200),
      access: () => void order.push("b.access"),
    }),
  ]);
  assert.deepEqual(order, []);
  const order2: string[] = [];
  await run([
    plugin("a", 1, {
      rewrite: () => void order2.push("a.rewrite"),
      access: () => void order2.push("a.access"),
    }),
    plugin("b", 2, {
      rewrite: () => void order2.push("b.rewrite"),
      access: () => void order2.push("b.access"),
    }),
  ]);
  assert.deepEqual(order2, ["b.rewrite", "a.rewrite", "b.access", "a.access"]);
});

test("async handlers are awaited in order", async () => {
  const order: string[] = [];
  await run([
    plugin("a", 2, {
      access: async () => {
        await new Promise((r) => setTimeout(r, 5));
        order.push("a");
      },
    }),
    plugin("b", 1, { access: () => void order.push("b") }),
  ]);
  assert.deepEqual(order, ["a", "b"]);
});

test("an early response from the response side comes from header_filter; later header_filter plugins are skipped", async () => {
  const order: string[] = [];
  const r = await run(
    [
      plugin("a", 2, { header_filter: (kit) => kit.response.exit(403) }),
      plugin("b", 1, {
        header_filter: () => void order.push("b.h"),
        body_filter: () => void order.push("b.b"),
      }),
    ],
    { upstream: { status: 200, body: "secret" } },
  );
  assert.equal(r.response.status, 403);
  assert.equal(r.response.text, "");
  assert.deepEqual(order, ["b.b"]);
});

test("a thrown error becomes a generic 500 through the error formatting, logged, nothing leaked", async () => {
  const r = await run(
    [
      plugin("boom", 1, {
        access: () => {
          throw new Error("db password is hunter2");
        },
      }),
    ],
    {
      request: { headers: { accept: "text/plain" } },
    },
  );
  assert.equal(r.response.status, 500);
  assert.equal(r.response.text, "An unexpected error occurred\n");
  assert.equal(r.source, "error");
  assert.ok(
    r.logs.some((l) => l.level === "error" && (l.obj as { plugin?: string }).plugin === "boom"),
  );
});

test("a later plugin's catch handler may recover with a response", async () => {
  let caught: unknown;
  const r = await run(
    [
      plugin("boom", 3, {
        access: () => {
          throw new Error("x");
        },
      }),
      plugin(
        "handler",
        2,
        {},
        {
          catch: (kit, _c, err) => {
            caught = err;
            kit.response.exit(418, { recovered: true });
          },
        },
      ),
    ],
    { trace: true },
  );
  assert.equal((caught as Error).message, "x");
  assert.equal(r.response.status, 418);
  assert.deepEqual(r.response.json(), { recovered: true });
  assert.equal(r.source, "error");
  assert.deepEqual(
    r.trace.map((t) => [t.plugin, t.outcome]),
    [
      ["boom", "error"],
      ["handler", "recovered"],
    ],
  );
});

test("catch handlers that return without a response pass the error on; earlier plugins' catch is not used", async () => {
  const calls: string[] = [];
  const r = await run([
    plugin(
      "early",
      5,
      {},
      {
        catch: (kit) => {
          calls.push("early");
          kit.response.exit(200);
        },
      },
    ),
    plugin("boom", 4, {
      access: () => {
        throw new Error("x");
      },
    }),
    plugin("pass", 3, {}, { catch: () => void calls.push("pass") }),
    plugin(
      "rethrow",
      2,
      {},
      {
        catch: () => {
          calls.push("rethrow");
          throw new Error("y");
        },
      },
    ),
    plugin(
      "last",
      1,
      {},
      { catch: (_k, _c, err) => void calls.push(`last:${(err as Error).message}`) },
    ),
  ]);
  assert.deepEqual(calls, ["pass", "rethrow", "last:y"]);
  assert.equal(r.response.status, 500);
});

test("misuse of the kit (PluginKitError) is treated like a thrown error", async () => {
  const r = await run([plugin("bad", 1, { access: (kit) => void kit.response.getStatus() })]);
  assert.equal(r.response.status, 500);
  assert.equal(r.response.json<{ message: string }>().message, "An unexpected error occurred");
});

test("upstream failures: 504 timeout, 502 refused/reset, 503 unavailable, source error, formatted", async () => {
  const got: [number, string | undefined, string][] = [];
  for (const kind of ["timeout", "refused", "reset", "unavailable"] as const) {
    const r = await run([], {
      upstream: { fail: kind, error: new Error("ECONNREFUSED 10.0.0.7:8080") },
    });
    got.push([r.response.status, r.source, r.response.text]);
  }
  assert.deepEqual(got, [
    [504, "error", '{"message":"The upstream server is timing out"}'],
    [502, "error", '{"message":"An invalid response was received from the upstream server"}'],
    [502, "error", '{"message":"An invalid response was received from the upstream server"}'],
    [503, "error", '{"message":"The upstream server is currently unavailable"}'],
  ]);
});

test("an error-handler plugin's catch answers upstream failures (Go's ErrorHandler)", async () => {
  let kind: unknown;
  const r = await run(
    [
      plugin(
        "eh",
        1,
        {},
        {
          catch: (kit, _c, err) => {
            kind = (err as { kind?: string }).kind;
            kit.response.error(kit.response.getStatus(), "Try again later", { "Retry-After": "5" });
          },
        },
      ),
    ],
    { upstream: { fail: "timeout" } },
  );
  assert.equal(kind, "timeout");
  assert.equal(r.response.status, 504);
  assert.equal(r.response.header("retry-after"), "5");
  assert.deepEqual(r.response.json(), { message: "Try again later" });
});

test("kit.service.cancel() in access ends up as a 502 'cancelled' upstream failure through the catch path", async () => {
  const order: string[] = [];
  let kind: unknown;
  const r = await run([
    plugin("director", 3, { access: (kit) => kit.service.cancel("no") }),
    plugin("after", 2, {
      access: () => void order.push("after"),
      header_filter: (kit) => void order.push(kit.response.getSource()),
    }),
    plugin("eh", 1, {}, { catch: (_k, _c, err) => void (kind = (err as { kind?: string }).kind) }),
  ]);
  assert.equal(r.response.status, 502);
  assert.equal(r.upstreamRequest, undefined);
  assert.equal(kind, "cancelled");
  assert.deepEqual(order, ["error"]);
});

test("a throw in body_filter is logged and the body kept; a throw in log is logged", async () => {
  const r = await run(
    [
      plugin("a", 2, {
        body_filter: () => {
          throw new Error("x");
        },
        log: () => {
          throw new Error("y");
        },
      }),
      plugin("b", 1, {
        body_filter: (kit) => kit.response.setRawBody(kit.response.getRawBody().toString() + "!"),
      }),
    ],
    { upstream: { body: "ok" } },
  );
  assert.equal(r.response.text, "ok!");
  assert.equal(r.logs.filter((l) => l.level === "error").length, 2);
});

test("trace lists plugin x phase with outcome only when tracing is on", async () => {
  const defs = [
    plugin("a", 2, { access: () => {}, header_filter: () => {} }),
    plugin("b", 1, { access: (kit) => kit.response.exit(204) }),
  ];
  const off = await run(defs);
  assert.deepEqual(off.trace, []);
  const on = await run(defs, { trace: true });
  assert.deepEqual(
    on.trace.map((t) => `${t.plugin}.${t.phase}:${t.outcome}`),
    ["a.access:ok", "b.access:exit", "a.header_filter:ok"],
  );
  assert.ok(on.trace.every((t) => typeof t.ms === "number" && t.ms >= 0));
});

test("needsBodyBuffering is true only when a plugin has body_filter", async () => {
  const a = await run([plugin("a", 1, { access: () => {} })]);
  const b = await run([plugin("b", 1, { body_filter: () => {} })]);
  assert.deepEqual([a.tx.needsBodyBuffering, b.tx.needsBodyBuffering], [false, true]);
});

test("kit.ctx is shared by the plugins of one request", async () => {
  let seen: unknown;
  await run([
    plugin("a", 2, { access: (kit) => void kit.ctx.set("k", 1) }),
    plugin("b", 1, { log: (kit) => void (seen = kit.ctx.get("k")) }),
  ]);
  assert.equal(seen, 1);
});
