import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { doc, gateway, listen, send, upstream } from "./helpers.js";

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/** A real OTLP/HTTP receiver (JSON encoding) on loopback: collects the spans of every export. */
async function otlpReceiver(t: TestContext) {
  const spans: OtlpSpan[] = [];
  const requests: { headers: IncomingHttpHeaders; resource: unknown }[] = [];
  const url = await listen(
    createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const msg = JSON.parse(body) as {
          resourceSpans: { resource: unknown; scopeSpans: { spans: OtlpSpan[] }[] }[];
        };
        for (const rs of msg.resourceSpans) {
          requests.push({ headers: req.headers, resource: rs.resource });
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
    }),
    t,
  );
  const waitFor = async (n: number): Promise<OtlpSpan[]> => {
    const deadline = Date.now() + 20_000;
    while (spans.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(spans.length >= n, `expected ${n} spans, got ${spans.length}`);
    return spans;
  };
  return { url: `${url}/v1/traces`, spans, requests, waitFor };
}

/** Service "orders" (upstream `up`) with route "list" on /orders carrying `plugins`. */
const ordersDoc = (up: string, plugins: unknown[]) =>
  doc([{ name: "orders", url: up, routes: [{ name: "list", paths: ["/orders"], plugins }] }]);

const attr = (s: OtlpSpan, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v === undefined ? undefined : (Object.values(v)[0] as unknown);
};

test("opentelemetry through a real gateway: spans for the request and the upstream call reach a real OTLP receiver; traceparent propagated upstream", async (t) => {
  const otlp = await otlpReceiver(t);
  const seen: IncomingHttpHeaders[] = [];
  const up = await upstream(t, (req, res) => {
    seen.push(req.headers);
    res.end("ok");
  });
  const gw = await gateway(
    t,
    ordersDoc(up, [
      {
        name: "opentelemetry",
        config: {
          traces_endpoint: otlp.url,
          traces_encoding: "json",
          headers: { "X-Api-Token": "t0ken" },
          resource_attributes: { "service.name": "edge" },
          queue: { max_coalescing_delay: 0.05 },
          http_response_header_for_traceid: "X-Trace-Id",
        },
      },
    ]),
  );
  const parentTrace = "0af7651916cd43dd8448eb211c80319c";
  const r = await send(`${gw.url}/orders?x=1`, {
    headers: { traceparent: `00-${parentTrace}-b7ad6b7169203331-01` },
  });
  assert.equal(r.status, 200);
  assert.equal(r.headers["x-trace-id"], parentTrace);

  // the request, the upstream call and the plugin's own access and header_filter calls
  const spans = await otlp.waitFor(4);
  const root = spans.find((s) => s.name === "kong");
  const balancer = spans.find((s) => s.name === "kong.balancer");
  assert.ok(root && balancer);
  assert.equal(root.traceId, parentTrace); // the client's trace continues
  assert.equal(root.parentSpanId, "b7ad6b7169203331");
  assert.equal(root.kind, 2); // SERVER
  assert.equal(balancer.kind, 3); // CLIENT
  assert.equal(balancer.parentSpanId, root.spanId);
  assert.equal(attr(root, "http.method"), "GET");
  assert.equal(Number(attr(root, "http.status_code")), 200);
  assert.equal(attr(root, "kong.route.name"), "list");
  assert.equal(attr(root, "kong.service.name"), "orders");
  // the upstream got the trace context of the balancer span, sampled
  assert.equal(seen[0]?.traceparent, `00-${parentTrace}-${balancer.spanId}-01`);
  assert.equal(otlp.requests[0]?.headers["x-api-token"], "t0ken");
  assert.equal(otlp.requests[0]?.headers["content-type"], "application/json");
  assert.match(JSON.stringify(otlp.requests[0]?.resource), /"service\.name".*"edge"/);
});

test("opentelemetry: a request without trace context starts a new trace; b3 inject and a protobuf export", async (t) => {
  const bodies: { type: string | undefined; size: number }[] = [];
  const receiver = await listen(
    createServer((req, res) => {
      let size = 0;
      req.on("data", (c: Buffer) => (size += c.length));
      req.on("end", () => {
        bodies.push({ type: req.headers["content-type"], size });
        res.end();
      });
    }),
    t,
  );
  const seen: IncomingHttpHeaders[] = [];
  const up = await upstream(t, (req, res) => {
    seen.push(req.headers);
    res.end("ok");
  });
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: up,
        routes: [
          {
            paths: ["/"],
            plugins: [
              {
                name: "opentelemetry",
                config: {
                  traces_endpoint: `${receiver}/v1/traces`,
                  sampling_rate: 1,
                  queue: { max_coalescing_delay: 0.05 },
                  propagation: { extract: ["w3c", "b3"], inject: ["b3"] },
                },
              },
            ],
          },
        ],
      },
    ]),
  );
  assert.equal((await send(`${gw.url}/a`)).status, 200);
  assert.match(String(seen[0]?.["x-b3-traceid"]), /^[0-9a-f]{32}$/);
  assert.equal(seen[0]?.["x-b3-sampled"], "1");
  assert.equal(seen[0]?.traceparent, undefined);
  const deadline = Date.now() + 20_000;
  while (bodies.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.equal(bodies[0]?.type, "application/x-protobuf");
  assert.ok((bodies[0]?.size ?? 0) > 0);
});

test("opentelemetry plugin spans: one span per plugin per phase it runs in (kong.<phase>.plugin.<name>), children of the request span and within it", async (t) => {
  const otlp = await otlpReceiver(t);
  const up = await upstream(t, (_req, res) => res.end("ok"));
  const gw = await gateway(
    t,
    ordersDoc(up, [
      { name: "request-transformer", config: { add: { headers: ["x-a:1"] } } },
      { name: "response-transformer", config: { add: { headers: ["x-b:2"] } } },
      {
        name: "opentelemetry",
        config: {
          traces_endpoint: otlp.url,
          traces_encoding: "json",
          sampling_rate: 1,
          queue: { max_coalescing_delay: 0.05 },
        },
      },
    ]),
  );
  const r = await send(`${gw.url}/orders`);
  assert.equal(r.status, 200);
  assert.equal(r.headers["x-b"], "2");
  const spans = await otlp.waitFor(6);
  const root = spans.find((s) => s.name === "kong");
  assert.ok(root);
  const plugin = spans.filter((s) => s.name.includes(".plugin.")).map((s) => s.name);
  assert.deepEqual(plugin.sort(), [
    "kong.access.plugin.opentelemetry",
    "kong.access.plugin.request-transformer",
    "kong.header_filter.plugin.opentelemetry",
    "kong.header_filter.plugin.response-transformer",
  ]);
  type Timed = OtlpSpan & { startTimeUnixNano: string; endTimeUnixNano: string };
  const r0 = root as Timed;
  for (const s of spans.filter((x) => x.name.includes(".plugin.")) as Timed[]) {
    assert.equal(s.parentSpanId, root.spanId, s.name);
    assert.equal(s.traceId, root.traceId);
    assert.equal(s.kind, 1, s.name); // INTERNAL
    assert.ok(
      BigInt(s.startTimeUnixNano) >= BigInt(r0.startTimeUnixNano),
      `${s.name} starts in the request`,
    );
    assert.ok(
      BigInt(s.endTimeUnixNano) <= BigInt(r0.endTimeUnixNano),
      `${s.name} ends in the request`,
    );
    assert.ok(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano));
  }
});

test("opentelemetry sampling_rate unset: the data plane's --tracing-sampling-rate decides (Kong's tracing_sampling_rate); a config's own sampling_rate wins", async (t) => {
  const otlp = await otlpReceiver(t);
  const seen = new Map<string, string>();
  const up = await upstream(t, (req, res) => {
    seen.set(req.url ?? "", String(req.headers.traceparent));
    res.end("ok");
  });
  const otel = (extra: Record<string, unknown>) => ({
    name: "opentelemetry",
    config: {
      traces_endpoint: otlp.url,
      traces_encoding: "json",
      queue: { max_coalescing_delay: 0.05 },
      ...extra,
    },
  });
  const twoRoutes = doc([
    {
      name: "s",
      url: up,
      routes: [
        { name: "node-rate", paths: ["/node"], plugins: [otel({})] },
        { name: "own-rate", paths: ["/own"], plugins: [otel({ sampling_rate: 1 })] },
      ],
    },
  ]);
  const traceOf = (path: string) =>
    /^00-([0-9a-f]{32})-[0-9a-f]{16}-0([01])$/.exec(seen.get(path) ?? "");

  // the node samples nothing: a config without sampling_rate follows it, one with 1 does not
  const never = await gateway(t, twoRoutes, { tracingSamplingRate: 0 });
  assert.equal((await send(`${never.url}/node/a`)).status, 200);
  assert.equal((await send(`${never.url}/own/b`)).status, 200);
  const unsampled = traceOf("/a");
  const sampled = traceOf("/b");
  assert.ok(unsampled && sampled, JSON.stringify([...seen]));
  assert.equal(unsampled[2], "0", "not sampled: the upstream is told so");
  assert.equal(sampled[2], "1");
  const spans = await otlp.waitFor(2);
  assert.ok(spans.some((s) => s.traceId === sampled[1]));
  assert.ok(!spans.some((s) => s.traceId === unsampled[1]), "an unsampled trace is not exported");

  // the node samples everything: the config without sampling_rate follows it
  const always = await gateway(t, twoRoutes, { tracingSamplingRate: 1 });
  assert.equal((await send(`${always.url}/node/c`)).status, 200);
  const c = traceOf("/c");
  assert.equal(c?.[2], "1");
  const deadline = Date.now() + 20_000;
  while (!otlp.spans.some((s) => s.traceId === c?.[1]) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.ok(otlp.spans.some((s) => s.name === "kong" && s.traceId === c?.[1]));
});
