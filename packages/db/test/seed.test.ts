import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { verifyPassword } from "../src/auth.js";
import { hashConfig } from "@gatehouse/config";
import { seedDemo } from "../src/seed.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h.close();
});

test("an empty database gets the demo, a first admin and config version 1", async () => {
  const result = await seedDemo(h.prisma, { echoUrl: "http://127.0.0.1:8002" });
  assert.equal(result.created, true);
  assert.equal(result.admin?.username, "admin");
  assert.ok((result.admin?.password.length ?? 0) >= 16, "a long generated password");

  const admin = await h.prisma.adminUser.findUniqueOrThrow({ where: { username: "admin" } });
  assert.equal(admin.role, "admin");
  assert.notEqual(admin.passwordHash, result.admin?.password);
  assert.equal(await verifyPassword(result.admin?.password ?? "", admin.passwordHash), true);

  const service = await h.prisma.service.findUniqueOrThrow({
    where: { name: "demo-echo" },
    include: { routes: true },
  });
  assert.deepEqual(
    [service.protocol, service.host, service.port, service.path],
    ["http", "127.0.0.1", 8002, null],
  );
  assert.deepEqual(
    service.routes.map((route) => [route.name, route.paths]),
    [["demo-echo", ["/echo"]]],
  );

  const hello = await h.prisma.route.findUniqueOrThrow({
    where: { name: "demo-hello" },
    include: { plugins: true },
  });
  assert.equal(hello.serviceId, null);
  assert.deepEqual(hello.paths, ["/hello"]);
  assert.deepEqual(
    hello.plugins.map((plugin) => [plugin.name, plugin.config, plugin.enabled]),
    [["request-termination", { status_code: 200, message: "Hello from Gatehouse" }, true]],
  );

  const versions = await h.prisma.configVersion.findMany();
  assert.equal(versions.length, 1);
  assert.equal(versions[0]?.version, 1);
  assert.equal(versions[0]?.author, "seed");
  assert.equal(versions[0]?.hash, hashConfig(versions[0]?.snapshot));
  // version 1 is what data planes receive first: it must hold the demo, not an empty document
  const snapshot = versions[0]?.snapshot as {
    services?: { name: string }[];
    routes?: { name: string }[];
  };
  assert.deepEqual(
    snapshot.services?.map((service) => service.name),
    ["demo-echo"],
  );
  assert.deepEqual(
    snapshot.routes?.map((route) => route.name),
    ["demo-hello"],
  );
});

test("a database that is not empty is left alone", async () => {
  const before = await h.prisma.adminUser.findMany();
  const result = await seedDemo(h.prisma, { echoUrl: "http://127.0.0.1:9999" });
  assert.deepEqual(result, { created: false });
  assert.deepEqual(await h.prisma.adminUser.findMany(), before);
  assert.equal(await h.prisma.service.count(), 1);
  assert.equal(await h.prisma.configVersion.count(), 1);
});

test("an echo URL that is not http(s) is refused, naming the field", async () => {
  await assert.rejects(
    seedDemo(h.prisma, { echoUrl: "ftp://x" }),
    /echoUrl: protocol must be http or https/,
  );
});
