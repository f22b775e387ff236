// Issue 9: targets added to one service must never be exported where another service uses them.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { exportDeclarative } from "../src/export.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;

before(async () => {
  h = await openHarness();
  const p = h.prisma;
  await p.service.create({ data: { name: "svc-a", host: "127.0.0.1", port: 8102 } });
  await p.service.create({
    data: {
      name: "svc-b",
      host: "127.0.0.1",
      port: 8199,
      targets: { create: [{ target: "127.0.0.1:8199" }] },
    },
  });
  await p.service.create({
    data: {
      name: "svc-c",
      host: "127.0.0.1",
      port: 8300,
      targets: { create: [{ target: "127.0.0.1:8300", weight: 5 }] },
    },
  });
  // a service whose own host is what svc-d's upstream would be called, and a name no hostname has
  await p.service.create({ data: { name: "decoy", host: "svc-d.upstream" } });
  await p.service.create({
    data: { name: "svc-d", host: "d.internal", targets: { create: [{ target: "10.0.0.4:80" }] } },
  });
  await p.service.create({
    data: { name: "odd~name", host: "odd.internal", targets: { create: [{ target: "10.0.0.5" }] } },
  });
});
after(async () => {
  await h.close();
});

test("two services on one host with different ports: the targets of one are not the other's", async () => {
  const doc = await exportDeclarative(h.prisma);
  const host = (name: string) => doc.services.find((s) => s.name === name)?.host;
  assert.equal(host("svc-a"), "127.0.0.1", "a service without targets keeps its host");
  assert.equal(host("svc-b"), "svc-b.upstream");
  assert.equal(host("svc-c"), "svc-c.upstream");
  const upstream = (name: string | undefined) => doc.upstreams.find((u) => u.name === name);
  assert.equal(upstream("127.0.0.1"), undefined, "no upstream is named after the shared host");
  assert.deepEqual(
    upstream(host("svc-b"))?.targets.map((t) => t.target),
    ["127.0.0.1:8199"],
  );
  assert.deepEqual(
    upstream(host("svc-c"))?.targets.map((t) => t.target),
    ["127.0.0.1:8300"],
  );
  assert.equal(upstream(host("svc-b"))?.host_header, "127.0.0.1");
});

test("an upstream name never equals another service's host, and is a hostname", async () => {
  const doc = await exportDeclarative(h.prisma);
  const hosts = new Map(doc.services.map((s) => [s.name, s.host]));
  assert.equal(hosts.get("decoy"), "svc-d.upstream");
  assert.equal(hosts.get("svc-d"), "svc-d-2.upstream");
  assert.match(hosts.get("odd~name") ?? "", /^service-[0-9a-f]{16}\.upstream$/);
  const names = doc.upstreams.map((u) => u.name);
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual(doc.upstreams.map((u) => u.host_header).sort(), [
    "127.0.0.1",
    "127.0.0.1",
    "d.internal",
    "odd.internal",
  ]);
});
