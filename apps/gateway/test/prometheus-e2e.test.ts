import assert from "node:assert/strict";
import { test } from "node:test";
import { control, doc, gateway, send, upstream } from "./helpers.js";
import { backends, eventually, poolDoc } from "./upstream-helpers.js";

/** The sample lines of `name` in a Prometheus text exposition. */
function samples(text: string, name: string): string[] {
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

function value(text: string, line: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const ALL = {
  per_consumer: true,
  status_code_metrics: true,
  latency_metrics: true,
  bandwidth_metrics: true,
};

test("prometheus through a real gateway: Kong's metric names and labels on the control port's /metrics after traffic", async (t) => {
  const up = await upstream(t, (req, res) => {
    res.writeHead(req.url === "/missing" ? 404 : 200, {
      "content-type": "text/plain",
      "content-length": "5",
    });
    res.end("hello");
  });
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "billing",
          url: up,
          routes: [
            {
              name: "invoices",
              paths: ["/inv"],
              strip_path: true,
              plugins: [{ name: "key-auth", config: { anonymous: null } }],
            },
            { name: "open", paths: ["/open"], strip_path: true },
          ],
        },
      ],
      {
        plugins: [{ name: "prometheus", config: ALL }],
        consumers: [{ username: "alice", keyauth_credentials: [{ key: "alice-key" }] }],
      },
    ),
  );
  for (let i = 0; i < 3; i++) {
    const r = await send(`${gw.url}/inv/x`, { headers: { apikey: "alice-key" } });
    assert.equal(r.status, 200);
  }
  assert.equal((await send(`${gw.url}/inv/x`)).status, 401);
  assert.equal((await send(`${gw.url}/open/missing`)).status, 404);
  const body = await send(`${gw.url}/open/x`, { method: "POST", body: "0123456789" });
  assert.equal(body.status, 200);
  // a client-chosen path never becomes a label value
  await send(`${gw.url}/open/${"z".repeat(40)}`);

  const m = await control(gw, "GET", "/metrics");
  assert.equal(m.status, 200);
  const text = m.text;
  const req = (labels: string) => value(text, `kong_http_requests_total{${labels}}`);
  assert.equal(
    req(
      'service="billing",route="invoices",code="200",source="service",workspace="default",consumer="alice"',
    ),
    3,
  );
  assert.equal(
    req(
      'service="billing",route="invoices",code="401",source="kong",workspace="default",consumer=""',
    ),
    1,
  );
  assert.equal(
    req(
      'service="billing",route="open",code="404",source="service",workspace="default",consumer=""',
    ),
    1,
  );
  assert.equal(
    value(
      text,
      'kong_request_latency_ms_count{service="billing",route="invoices",workspace="default"}',
    ),
    4,
  );
  assert.equal(
    value(
      text,
      'kong_upstream_latency_ms_count{service="billing",route="invoices",workspace="default"}',
    ),
    3,
  );
  assert.equal(
    value(text, 'kong_kong_latency_ms_count{service="billing",route="open",workspace="default"}'),
    3,
  );
  assert.ok(samples(text, "kong_kong_latency_ms_bucket").some((l) => l.includes('le="6000"')));
  assert.equal(
    value(
      text,
      'kong_bandwidth_bytes{service="billing",route="open",direction="ingress",workspace="default",consumer=""}',
    ),
    10,
  );
  const egress = value(
    text,
    'kong_bandwidth_bytes{service="billing",route="invoices",direction="egress",workspace="default",consumer="alice"}',
  );
  assert.equal(egress, 15);
  assert.ok(!text.includes("zzzz"), "no label value from the request path");
});

test("prometheus with Kong's defaults (every *_metrics false) exports no per-request series", async (t) => {
  const up = await upstream(t, (_req, res) => res.end("ok"));
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ name: "r", paths: ["/"] }] }], {
      plugins: [{ name: "prometheus" }],
    }),
  );
  assert.equal((await send(`${gw.url}/`)).status, 200);
  const text = (await control(gw, "GET", "/metrics")).text;
  assert.deepEqual(samples(text, "kong_http_requests_total"), []);
  assert.deepEqual(samples(text, "kong_request_latency_ms_count"), []);
});

test("prometheus upstream_health_metrics: kong_upstream_target_health has one series per state of each target, 1 for its current state (healthy, unhealthy after passive failures, healthchecks_off)", async (t) => {
  const [a, b] = await backends(t, 2);
  a!.behave = (_req, res) => {
    res.statusCode = 500;
    res.end("broken");
    return true;
  };
  const withPlugin = (d: Record<string, unknown>, on: boolean) => ({
    ...d,
    plugins: [{ name: "prometheus", config: { upstream_health_metrics: on } }],
  });
  const gw = await gateway(
    t,
    withPlugin(
      poolDoc([{ target: a!.target }, { target: b!.target }], {
        healthchecks: { passive: { unhealthy: { http_failures: 1 } } },
      }),
      true,
    ),
  );
  const line = (target: string, state: string) =>
    `kong_upstream_target_health{upstream="pool",target="${target}",address="${target}",state="${state}",subsystem="http"}`;
  let text = (await control(gw, "GET", "/metrics")).text;
  for (const tgt of [a!.target, b!.target]) {
    assert.equal(value(text, line(tgt, "healthy")), 1, text);
    for (const s of ["unhealthy", "dns_error", "healthchecks_off"])
      assert.equal(value(text, line(tgt, s)), 0);
  }
  await eventually("a tripped", async () => {
    await send(gw.url);
    text = (await control(gw, "GET", "/metrics")).text;
    return value(text, line(a!.target, "unhealthy")) === 1;
  });
  assert.equal(value(text, line(a!.target, "healthy")), 0);
  assert.equal(value(text, line(b!.target, "healthy")), 1);

  // no health checks at all: healthchecks_off; the toggle off: no series
  const [c] = await backends(t, 1);
  const off = await gateway(t, withPlugin(poolDoc([{ target: c!.target }]), true));
  const offText = (await control(off, "GET", "/metrics")).text;
  assert.equal(value(offText, line(c!.target, "healthchecks_off")), 1, offText);
  assert.equal(value(offText, line(c!.target, "healthy")), 0);
  const none = await gateway(t, withPlugin(poolDoc([{ target: c!.target }]), false));
  assert.deepEqual(
    samples((await control(none, "GET", "/metrics")).text, "kong_upstream_target_health"),
    [],
  );
});
