// Issue 12: active and passive health checks on real upstream servers: an unhealthy target gets
// no traffic until it is healthy again; all targets down is Kong's 503 through the error path;
// health shows in /metrics.
import assert from "node:assert/strict";
import { test } from "node:test";
import { control, gateway, send } from "./helpers.js";
import { backends, eventually, poolDoc, tally } from "./upstream-helpers.js";

const active = (healthy: number, unhealthy: number) => ({
  active: {
    http_path: "/status",
    timeout: 1,
    healthy: { interval: 0.05, successes: healthy },
    unhealthy: { interval: 0.05, http_failures: unhealthy, tcp_failures: 1, timeouts: 1 },
  },
});

test("active checks mark a target down, then up again when its probes succeed", async (t) => {
  const [a, b] = await backends(t, 2);
  let down = false;
  a!.behave = (req, res) => {
    if (req.url !== "/status") return false;
    res.statusCode = down ? 500 : 200;
    res.end();
    return true;
  };
  const gw = await gateway(
    t,
    poolDoc([{ target: a!.target }, { target: b!.target }], { healthchecks: active(2, 2) }),
  );
  assert.equal((await tally(gw.url, 4)).get("b0"), 2);
  down = true;
  await eventually("a marked unhealthy", async () => {
    const r = await control(gw, "GET", "/metrics");
    return r.text.includes(
      `gatehouse_upstream_target_health{upstream="pool",target="${a!.target}"} 0`,
    );
  });
  assert.deepEqual([...(await tally(gw.url, 6))], [["b1", 6]]);
  down = false;
  await eventually("a healthy again", async () => (await tally(gw.url, 2)).has("b0"));
});

test("passive checks trip a target on 5xx answers; it gets no traffic after", async (t) => {
  const [a, b] = await backends(t, 2);
  a!.behave = (_req, res) => {
    res.statusCode = 500;
    res.end("b0 broken");
    return true;
  };
  const gw = await gateway(
    t,
    poolDoc([{ target: a!.target }, { target: b!.target }], {
      healthchecks: { passive: { unhealthy: { http_failures: 2 } } },
    }),
  );
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await send(gw.url)).status);
  assert.deepEqual(statuses, [500, 200, 500, 200], "two 500s before the breaker trips");
  const hitsBefore = a!.hits;
  assert.deepEqual([...(await tally(gw.url, 6))], [["b1", 6]]);
  assert.equal(a!.hits, hitsBefore, "the tripped target gets no request");
});

test("passive checks trip a target on timeouts", async (t) => {
  const [slow, b] = await backends(t, 2);
  slow!.behave = () => true; // never answers
  const gw = await gateway(
    t,
    poolDoc(
      [{ target: slow!.target }, { target: b!.target }],
      { healthchecks: { passive: { unhealthy: { timeouts: 1 } } } },
      { read_timeout: 200, retries: 0 },
    ),
  );
  const first = await send(gw.url);
  assert.equal(first.status, 504, first.text);
  assert.deepEqual([...(await tally(gw.url, 5))], [["b1", 5]]);
});

test("every target down: 503 with Kong's message, through the error path", async (t) => {
  const [a] = await backends(t, 1);
  a!.behave = (_req, res) => {
    res.statusCode = 503;
    res.end();
    return true;
  };
  const gw = await gateway(
    t,
    poolDoc([{ target: a!.target }], {
      healthchecks: { passive: { unhealthy: { http_failures: 1 } } },
    }),
  );
  assert.equal((await send(gw.url)).status, 503);
  const r = await send(gw.url, { headers: { accept: "application/json" } });
  assert.equal(r.status, 503);
  assert.deepEqual(r.json(), { message: "failure to get a peer from the ring-balancer" });
  const all0 = await poolAllWeightZero(t);
  assert.equal(all0.status, 503);
});

async function poolAllWeightZero(t: Parameters<typeof backends>[0]) {
  const [a] = await backends(t, 1);
  const gw = await gateway(t, poolDoc([{ target: a!.target, weight: 0 }]));
  return send(gw.url);
}
