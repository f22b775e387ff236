import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { encryptSecret } from "../src/auth.js";
import { hashConfig } from "@gatehouse/config";
import { exportDeclarative } from "../src/export.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

const SECRET = "server-secret-of-sufficient-length";
let h: Harness;
let ids: Record<string, string>;

before(async () => {
  h = await openHarness();
  const p = h.prisma;
  const billing = await p.service.create({
    data: {
      name: "billing",
      protocol: "https",
      host: "billing.internal",
      port: 8443,
      path: "/v1",
      readTimeout: 5000,
      tags: ["team-a"],
      upstream: {
        create: {
          name: "billing.upstream",
          targets: {
            create: [{ target: "10.0.0.2:8443", weight: 50 }, { target: "10.0.0.1:8443" }],
          },
        },
      },
    },
  });
  const plain = await p.service.create({ data: { name: "plain", host: "plain.test" } });
  const invoices = await p.route.create({
    data: {
      name: "invoices",
      serviceId: billing.id,
      paths: ["/invoices"],
      methods: ["GET", "POST"],
      hosts: ["api.example.test"],
      headers: { "x-version": ["2"] },
      stripPath: false,
      regexPriority: 3,
    },
  });
  const teapot = await p.route.create({ data: { name: "teapot", paths: ["/tea"] } });
  const alice = await p.consumer.create({
    data: { username: "alice", customId: "a-1", tags: ["vip"] },
  });
  await p.keyAuthCredential.create({
    data: { consumerId: alice.id, keyHash: "f".repeat(64), keyPrefix: "gh_f" },
  });
  await p.basicAuthCredential.create({
    data: { consumerId: alice.id, username: "alice", passwordHash: "$scrypt$hash" },
  });
  await p.jwtCredential.create({
    data: {
      consumerId: alice.id,
      key: "alice-iss",
      secretEncrypted: encryptSecret("jwt-secret", SECRET),
    },
  });
  await p.plugin.create({ data: { name: "cors", config: { origins: ["*"] } } });
  await p.plugin.create({
    data: { name: "rate-limiting", serviceId: billing.id, config: { minute: 5 } },
  });
  await p.plugin.create({
    data: { name: "request-termination", routeId: teapot.id, config: { status_code: 418 } },
  });
  await p.plugin.create({
    data: {
      name: "rate-limiting",
      routeId: invoices.id,
      consumerId: alice.id,
      config: { minute: 1 },
    },
  });
  await p.plugin.create({ data: { name: "acl", consumerId: alice.id, enabled: false } });
  await p.aclGroup.create({ data: { consumerId: alice.id, group: "ops", tags: ["t"] } });
  await p.aclGroup.create({ data: { consumerId: alice.id, group: "admins" } });
  ids = {
    billing: billing.id,
    plain: plain.id,
    invoices: invoices.id,
    teapot: teapot.id,
    alice: alice.id,
  };
});
after(async () => {
  await h.close();
});

test("services carry decK fields, nested routes and nested plugins", async () => {
  const doc = await exportDeclarative(h.prisma);
  assert.equal(doc._format_version, "3.0");
  assert.deepEqual(
    doc.services.map((s) => s.name),
    ["billing", "plain"],
  );
  const [billing, plain] = doc.services;
  assert.deepEqual(
    { ...billing, routes: undefined, plugins: undefined },
    {
      id: ids.billing,
      name: "billing",
      protocol: "https",
      host: "billing.upstream",
      port: 8443,
      path: "/v1",
      connect_timeout: 60000,
      read_timeout: 5000,
      write_timeout: 60000,
      retries: 5,
      tags: ["team-a"],
      routes: undefined,
      plugins: undefined,
    },
  );
  const route = billing?.routes?.[0];
  assert.deepEqual(
    { ...route, plugins: undefined },
    {
      id: ids.invoices,
      name: "invoices",
      protocols: ["http", "https"],
      methods: ["GET", "POST"],
      hosts: ["api.example.test"],
      paths: ["/invoices"],
      headers: { "x-version": ["2"] },
      strip_path: false,
      preserve_host: false,
      regex_priority: 3,
      tags: [],
      plugins: undefined,
    },
  );
  assert.deepEqual(
    route?.plugins?.map((p) => [p.name, p.consumer, p.config]),
    [["rate-limiting", "alice", { minute: 1 }]],
  );
  assert.deepEqual(
    billing?.plugins?.map((p) => [p.name, p.config, p.enabled]),
    [["rate-limiting", { minute: 5 }, true]],
  );
  assert.equal(plain?.path, undefined, "a null path is left out");
  assert.equal(plain?.routes, undefined);
});

test("a route without a service is top-level, with its plugins", async () => {
  const doc = await exportDeclarative(h.prisma);
  assert.deepEqual(
    doc.routes.map((r) => [r.name, r.service, r.paths]),
    [["teapot", undefined, ["/tea"]]],
  );
  assert.deepEqual(
    doc.routes[0]?.plugins?.map((p) => [p.name, p.config]),
    [["request-termination", { status_code: 418 }]],
  );
  assert.equal(doc.routes[0]?.methods, undefined, "empty lists are left out");
});

test("global plugins, consumers with credentials and consumer plugins", async () => {
  const doc = await exportDeclarative(h.prisma);
  assert.deepEqual(
    doc.plugins.map((p) => [p.name, p.config, p.enabled, p.protocols]),
    [["cors", { origins: ["*"] }, true, ["http", "https"]]],
  );
  const [alice] = doc.consumers;
  assert.equal(alice?.username, "alice");
  assert.equal(alice?.custom_id, "a-1");
  assert.deepEqual(alice?.tags, ["vip"]);
  assert.deepEqual(
    alice?.keyauth_credentials?.map((c) => c.key_hash),
    ["f".repeat(64)],
  );
  assert.deepEqual(
    alice?.basicauth_credentials?.map((c) => [c.username, c.password_hash]),
    [["alice", "$scrypt$hash"]],
  );
  assert.deepEqual(
    alice?.jwt_secrets?.map((c) => [c.key, c.algorithm, c.secret]),
    [["alice-iss", "HS256", undefined]],
  );
  assert.deepEqual(
    alice?.plugins?.map((p) => [p.name, p.enabled]),
    [["acl", false]],
  );
});

test("consumer acl groups are exported sorted by group, decK's shape", async () => {
  const doc = await exportDeclarative(h.prisma);
  assert.deepEqual(doc.consumers[0]?.acls, [
    { group: "admins", tags: [] },
    { group: "ops", tags: ["t"] },
  ]);
});

test("with the server secret, jwt HS256 secrets are exported decrypted", async () => {
  const doc = await exportDeclarative(h.prisma, { secretKey: SECRET });
  assert.equal(doc.consumers[0]?.jwt_secrets?.[0]?.secret, "jwt-secret");
});

test("a service's targets become an upstream of its own, its host kept as host_header", async () => {
  const doc = await exportDeclarative(h.prisma);
  assert.deepEqual(
    doc.upstreams.map((u) => [u.name, u.host_header, u.targets.map((t) => [t.target, t.weight])]),
    [
      [
        "billing.upstream",
        "billing.internal",
        [
          ["10.0.0.1:8443", 100],
          ["10.0.0.2:8443", 50],
        ],
      ],
    ],
  );
  assert.equal(doc.services.find((s) => s.name === "plain")?.host, "plain.test");
});

test("the same data exports to the same document and hash", async () => {
  const [a, b] = [await exportDeclarative(h.prisma), await exportDeclarative(h.prisma)];
  assert.deepEqual(a, b);
  assert.equal(hashConfig(a), hashConfig(b));
  assert.match(hashConfig(a), /^[0-9a-f]{64}$/);
  assert.equal(
    hashConfig({ b: 1, a: [1, { d: 2, c: 3 }] }),
    hashConfig({ a: [1, { c: 3, d: 2 }], b: 1 }),
  );
});

test("the admin's upstream deny list (Setting upstream_deny) is exported as upstream_deny", async () => {
  assert.equal("upstream_deny" in (await exportDeclarative(h.prisma)), false);
  await h.prisma.setting.create({
    data: { key: "upstream_deny", value: ["169.254.0.0/16", "127.0.0.0/8:5432"] },
  });
  try {
    const doc = await exportDeclarative(h.prisma);
    assert.deepEqual(doc.upstream_deny, ["169.254.0.0/16", "127.0.0.0/8:5432"]);
  } finally {
    await h.prisma.setting.delete({ where: { key: "upstream_deny" } });
  }
});
