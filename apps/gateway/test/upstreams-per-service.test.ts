// Issue 9: targets from one service received another service's traffic. Two services on the same
// host with different ports: the targets of one never answer the other's routes (DB-less config),
// and a document that would merge them onto one upstream is refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { control, doc, gateway, send, upstream } from "./helpers.js";

/** Two backends on 127.0.0.1 (different ports); each answers its name and the Host it got. */
async function backends(t: TestContext) {
  const answer = (name: string) =>
    upstream(t, (req, res) => res.end(JSON.stringify({ name, host: req.headers.host })));
  const [a, b] = await Promise.all([answer("svc-a"), answer("svc-b")]);
  return { a: new URL(a), b: new URL(b) };
}

async function names(url: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await send(url);
    assert.equal(r.status, 200, r.text);
    seen.push((r.json() as { name: string }).name);
  }
  return seen;
}

const MERGE_ERROR = (portB: string, portA: string) => ({
  path: "services[1].host",
  message:
    `names upstream "127.0.0.1" as services[0] does, but with port ${portB} instead of ${portA}: ` +
    "that upstream's targets would serve both services (a service balancing over an upstream " +
    "does not use its port); give each service its own upstream",
});

test("svc-b's targets on the same host never receive svc-a's traffic (DB-less)", async (t) => {
  const { a, b } = await backends(t);
  const gw = await gateway(
    t,
    doc(
      [
        { name: "svc-a", url: `http://127.0.0.1:${a.port}`, routes: [{ paths: ["/a"] }] },
        {
          name: "svc-b",
          host: "svc-b.upstream",
          port: Number(b.port),
          routes: [{ paths: ["/b"] }],
        },
      ],
      {
        upstreams: [
          {
            name: "svc-b.upstream",
            host_header: "127.0.0.1",
            targets: [{ target: `127.0.0.1:${b.port}` }],
          },
        ],
      },
    ),
  );
  assert.deepEqual(await names(`${gw.url}/a`, 6), Array(6).fill("svc-a"));
  assert.deepEqual(await names(`${gw.url}/b`, 6), Array(6).fill("svc-b"));
  const hostB = (await send(`${gw.url}/b`)).json() as { host: string };
  assert.equal(hostB.host, "127.0.0.1", "the upstream's host_header is the Host its targets get");
  const hostA = (await send(`${gw.url}/a`)).json() as { host: string };
  assert.equal(hostA.host, `127.0.0.1:${a.port}`);
});

test("a push naming the shared host as an upstream is 400 and the services stay apart", async (t) => {
  const { a, b } = await backends(t);
  const apart = doc([
    { name: "svc-a", url: `http://127.0.0.1:${a.port}`, routes: [{ paths: ["/a"] }] },
    { name: "svc-b", url: `http://127.0.0.1:${b.port}`, routes: [{ paths: ["/b"] }] },
  ]);
  const gw = await gateway(t, apart);
  // the document the admin used to export after POST /services/svc-b/targets
  const merged = doc(
    [
      { name: "svc-a", url: `http://127.0.0.1:${a.port}`, routes: [{ paths: ["/a"] }] },
      { name: "svc-b", host: "127.0.0.1", port: Number(b.port), routes: [{ paths: ["/b"] }] },
    ],
    { upstreams: [{ name: "127.0.0.1", targets: [{ target: `127.0.0.1:${b.port}` }] }] },
  );
  const r = await control(gw, "PUT", "/v1/config", { version: 2, config: merged });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual((r.json() as { errors: unknown[] }).errors, [MERGE_ERROR(b.port, a.port)]);
  assert.deepEqual(await names(`${gw.url}/a`, 4), Array(4).fill("svc-a"));
  await assert.rejects(
    gateway(t, merged),
    /services\[1\]\.host: names upstream "127\.0\.0\.1" as services\[0\] does/,
  );
});
