// Issue 12: each balancing algorithm over real upstream servers (weighted round-robin,
// least-connections, latency, consistent-hashing), weight 0, and retries on another target.
import assert from "node:assert/strict";
import { test } from "node:test";
import { closedPort } from "./helpers/proxy-harness.js";
import { gateway, send } from "./helpers.js";
import { backends, poolDoc, tally } from "./upstream-helpers.js";

test("round-robin: requests follow the weights", async (t) => {
  const [a, b] = await backends(t, 2);
  const gw = await gateway(t, poolDoc([{ target: a!.target, weight: 300 }, { target: b!.target }]));
  const counts = await tally(gw.url, 40);
  assert.deepEqual([counts.get("b0"), counts.get("b1")], [30, 10]);
});

test("weight 0 takes a target out", async (t) => {
  const [a, b] = await backends(t, 2);
  const gw = await gateway(t, poolDoc([{ target: a!.target, weight: 0 }, { target: b!.target }]));
  const counts = await tally(gw.url, 10);
  assert.deepEqual([...counts], [["b1", 10]]);
  assert.equal(a!.hits, 0);
});

test("least-connections: a target busy with slow requests gets the new ones less", async (t) => {
  const [slow, fast] = await backends(t, 2);
  const held: (() => void)[] = [];
  slow!.behave = (_req, res) => {
    held.push(() => res.end("b0"));
    return true;
  };
  const gw = await gateway(
    t,
    poolDoc([{ target: slow!.target }, { target: fast!.target }], {
      algorithm: "least-connections",
    }),
  );
  // one request parks on the slow target; every later one goes to the idle fast target
  const parked = send(gw.url);
  const deadline = Date.now() + 20_000;
  while (held.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const counts = await tally(gw.url, 10);
  assert.deepEqual([...counts], [["b1", 10]]);
  for (const release of held) release();
  assert.equal((await parked).text, "b0");
});

test("latency: the target with the lower response time gets most requests", async (t) => {
  const [slow, fast] = await backends(t, 2);
  slow!.behave = (_req, res) => {
    setTimeout(() => res.end("b0"), 60);
    return true;
  };
  const gw = await gateway(
    t,
    poolDoc([{ target: slow!.target }, { target: fast!.target }], { algorithm: "latency" }),
  );
  const counts = await tally(gw.url, 30);
  assert.ok((counts.get("b1") ?? 0) >= 25, JSON.stringify([...counts]));
});

test("consistent-hashing on a header: one key, one target; keys spread over all", async (t) => {
  const list = await backends(t, 3);
  const gw = await gateway(
    t,
    poolDoc(
      list.map((b) => ({ target: b.target })),
      { algorithm: "consistent-hashing", hash_on: "header", hash_on_header: "x-user" },
    ),
  );
  const byUser = new Map<string, string>();
  for (let i = 0; i < 60; i++) {
    const user = `user-${i % 20}`;
    const r = await send(gw.url, { headers: { "x-user": user } });
    const seen = byUser.get(user);
    if (seen !== undefined) assert.equal(r.text, seen, `${user} stays on its target`);
    byUser.set(user, r.text);
  }
  assert.equal(new Set(byUser.values()).size, 3, "20 keys land on all 3 targets");
  // without the header (fallback none): round-robin
  const counts = await tally(gw.url, 9);
  assert.deepEqual([...counts.values()], [3, 3, 3]);
});

test("consistent-hashing falls back to the client address", async (t) => {
  const list = await backends(t, 3);
  const gw = await gateway(
    t,
    poolDoc(
      list.map((b) => ({ target: b.target })),
      {
        algorithm: "consistent-hashing",
        hash_on: "header",
        hash_on_header: "x-user",
        hash_fallback: "ip",
      },
    ),
  );
  const counts = await tally(gw.url, 6);
  assert.equal(counts.size, 1, "one client address, one target");
});

test("a refused connection is retried on another target", async (t) => {
  const [b] = await backends(t, 1);
  const dead = `127.0.0.1:${await closedPort()}`;
  const gw = await gateway(
    t,
    poolDoc([{ target: dead }, { target: b!.target }], {}, { retries: 1 }),
  );
  for (let i = 0; i < 6; i++) {
    const r = await send(gw.url);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.text, "b0");
  }
});
