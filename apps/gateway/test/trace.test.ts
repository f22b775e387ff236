import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

test("X-Gatehouse-Debug with the right token returns an X-Gatehouse-Trace header", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "echo", url: up, routes: [{ name: "traced", paths: ["/t"] }] }]),
    {
      debugToken: "dbg-secret",
    },
  );
  const r = await send(`${gw.url}/t`, { headers: { "x-gatehouse-debug": "dbg-secret" } });
  assert.equal(r.status, 200);
  const trace = JSON.parse(r.headers["x-gatehouse-trace"] as string) as {
    route: string;
    source: string;
  };
  assert.equal(trace.route, "traced");
  assert.equal(trace.source, "service");
});

test("without the token, or with a wrong one, no trace is shown", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(t, doc([{ name: "echo", url: up, routes: [{ paths: ["/t"] }] }]), {
    debugToken: "dbg-secret",
  });
  assert.equal((await send(`${gw.url}/t`)).headers["x-gatehouse-trace"], undefined);
  const wrong = await send(`${gw.url}/t`, { headers: { "x-gatehouse-debug": "guess" } });
  assert.equal(wrong.headers["x-gatehouse-trace"], undefined);
});

test("the trace lists each plugin × phase with its time and who exited", async (t) => {
  const gw = await gateway(
    t,
    doc([], {
      routes: [
        {
          name: "term",
          paths: ["/term"],
          plugins: [{ name: "request-termination", config: { status_code: 403, message: "no" } }],
        },
      ],
    }),
    { debugToken: "dbg-secret" },
  );
  const r = await send(`${gw.url}/term`, { headers: { "x-gatehouse-debug": "dbg-secret" } });
  assert.equal(r.status, 403);
  const trace = JSON.parse(r.headers["x-gatehouse-trace"] as string) as {
    route: string;
    source: string;
    plugins: { plugin: string; phase: string; ms: number; outcome: string }[];
  };
  assert.equal(trace.route, "term");
  assert.equal(trace.source, "exit");
  const step = trace.plugins.find(
    (p) => p.plugin === "request-termination" && p.phase === "access",
  );
  assert.equal(step?.outcome, "exit");
  assert.equal(typeof step?.ms, "number");
});
