// --workers: state that is per node, not per worker (issue 12). rate-limiting's `local` policy
// counts for the whole data plane (the primary owns the counters), one active prober per node
// whose results every worker follows, and passive results counted node-wide. Real processes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { send } from "./helpers.js";
import { backends, eventually } from "./upstream-helpers.js";
import { startCluster } from "./helpers/workers.js";

/** Waits, if needed, so that `ms` fit in the current minute (fixed windows: no reset mid-test). */
async function roomInMinute(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

test("two workers share node-wide state: a local rate limit is exact, one prober per node, passive failures counted together", async (t) => {
  const [a, b, down, ok, flaky] = await backends(t, 5);
  let probes = 0;
  for (const x of [a!, b!, down!]) {
    x.behave = (req, res) => {
      if (req.url !== "/health") return false;
      if (x === a) probes++;
      res.statusCode = x === down ? 500 : 200;
      res.end();
      return true;
    };
  }
  ok!.behave = (_req, res) => {
    res.setHeader("content-type", "text/plain"); // cacheable by proxy-cache's defaults
    return false;
  };
  flaky!.behave = (_req, res) => {
    res.statusCode = 500;
    res.end("flaky");
    return true;
  };
  const gw = await startCluster(t, {
    _format_version: "3.0",
    services: [
      {
        name: "limited",
        url: `http://${ok!.target}`,
        routes: [{ name: "limited", paths: ["/limited"] }],
        plugins: [{ name: "rate-limiting", config: { minute: 10, limit_by: "ip" } }],
      },
      { name: "probed", host: "probed", routes: [{ name: "probed", paths: ["/probed"] }] },
      { name: "passive", host: "passive", routes: [{ name: "passive", paths: ["/passive"] }] },
      {
        name: "cached",
        url: `http://${ok!.target}`,
        routes: [{ name: "cached", paths: ["/cached"] }],
        plugins: [{ name: "proxy-cache", config: { strategy: "memory" } }],
      },
    ],
    upstreams: [
      {
        name: "probed",
        targets: [{ target: a!.target }, { target: b!.target }, { target: down!.target }],
        healthchecks: {
          active: {
            http_path: "/health",
            healthy: { interval: 0.5, successes: 1 },
            unhealthy: { interval: 0.5, http_failures: 1 },
          },
        },
      },
      {
        name: "passive",
        targets: [{ target: ok!.target }, { target: flaky!.target }],
        healthchecks: { passive: { unhealthy: { http_failures: 3, http_statuses: [500] } } },
      },
    ],
  });

  // rate limit 10/minute by IP: 30 requests on 30 connections, 6 at a time, over both workers
  await roomInMinute(20_000);
  const statuses: number[] = [];
  for (let i = 0; i < 5; i++) {
    const batch = await Promise.all(Array.from({ length: 6 }, () => send(`${gw.proxy}/limited`)));
    statuses.push(...batch.map((r) => r.status));
  }
  assert.equal(statuses.filter((s) => s === 200).length, 10, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 429).length, 20);
  const served = await gw.workers();
  assert.ok(
    served.every((w) => (w.requests ?? 0) > 0),
    `both workers counted: ${JSON.stringify(served)}`,
  );

  // active checks: the failing target is down for every worker (the primary's prober)
  const healthOf = async (upstream: string, target: string) => {
    const m = (await gw.controlCall("GET", "/metrics")).text;
    const line = m
      .split("\n")
      .find((l) =>
        l.startsWith(`gatehouse_upstream_target_health{upstream="${upstream}",target="${target}"}`),
      );
    return line?.split(" ")[1];
  };
  await eventually("the failing target is down", async () => {
    return (await healthOf("probed", down!.target)) === "0";
  });
  const beforeDown = down!.hits;
  const probedDownHits = () => down!.hits - beforeDown;
  for (let i = 0; i < 20; i++) {
    const r = await send(`${gw.proxy}/probed`);
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.text, down!.name);
  }
  // every probe of `down` hits its /health; none of the 20 requests did (they count as hits too)
  assert.ok(probedDownHits() <= 10, "probes only");
  // one prober per node: probes of a healthy target every 0.5 s, not one series per worker
  const from = probes;
  await new Promise((r) => setTimeout(r, 3000));
  const rounds = probes - from;
  assert.ok(rounds >= 3 && rounds <= 8, `one prober per node: ${rounds} probes in 3 s`);

  // passive: 3 failures in total trip the flaky target, whichever worker saw them
  for (let i = 0; i < 16; i++) await send(`${gw.proxy}/passive`);
  await eventually(
    "the flaky target tripped",
    async () => (await healthOf("passive", flaky!.target)) === "0",
  );
  assert.ok(flaky!.hits <= 5, `tripped after 3 failures node-wide, got ${flaky!.hits}`);
  const flakyHits = flaky!.hits;
  for (let i = 0; i < 10; i++) {
    const r = await send(`${gw.proxy}/passive`);
    assert.equal(r.status, 200, r.text);
  }
  assert.equal(flaky!.hits, flakyHits, "no worker sends to the tripped target");

  // proxy-cache's memory entries live in the workers: the primary's control routes reach them
  const first = await send(`${gw.proxy}/cached`);
  assert.equal(first.headers["x-cache-status"], "Miss");
  const key = first.headers["x-cache-key"] as string;
  const found = await gw.controlCall("GET", `/v1/plugins/proxy-cache/caches/${key}`);
  assert.equal(found.status, 200, found.text);
  assert.equal((found.json() as { strategy: string }).strategy, "memory");
  for (let i = 0; i < 4; i++) await send(`${gw.proxy}/cached`); // both workers hold it now
  assert.equal((await gw.controlCall("DELETE", "/v1/plugins/proxy-cache/caches")).status, 204);
  const gone = await gw.controlCall("GET", `/v1/plugins/proxy-cache/caches/${key}`);
  assert.equal(gone.status, 404, gone.text);
});
