import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { isForeignKeyViolation, isUniqueViolation, uniqueViolationFields } from "../src/client.js";
import { exerciseCrud, openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

let h: Harness;
before(async () => {
  h = await openHarness();
});
after(async () => {
  await h.close();
});

test("Service: CRUD, version bump, unique name", async () => {
  await exerciseCrud(h.prisma.service, {
    create: { name: "svc-a", host: "example.test", tags: ["a", "b"] },
    update: { host: "other.test", port: 8080, retries: 2 },
    duplicate: { name: "svc-a", host: "dup.test" },
  });
});

test("Service: Kong defaults for port, timeouts and retries", async () => {
  const service = await h.prisma.service.create({ data: { name: "svc-defaults", host: "x.test" } });
  assert.equal(service.protocol, "http");
  assert.equal(service.port, 80);
  assert.equal(service.path, null);
  assert.deepEqual(
    [service.connectTimeout, service.readTimeout, service.writeTimeout, service.retries],
    [60000, 60000, 60000, 5],
  );
  assert.deepEqual(service.tags, []);
});

test("Upstream and Target: CRUD, unique per upstream, cascade with its upstream and owner", async () => {
  const service = await h.prisma.service.create({ data: { name: "svc-t", host: "t.test" } });
  const own = await h.prisma.upstream.create({
    data: { name: "svc-t.upstream", serviceId: service.id },
  });
  await exerciseCrud(h.prisma.upstream, {
    create: { name: "u.test", algorithm: "least-connections" },
    update: { slots: 100 },
    duplicate: { name: "u.test" },
  });
  await exerciseCrud(h.prisma.target, {
    create: { upstreamId: own.id, target: "10.0.0.1:80" },
    update: { weight: 50 },
    duplicate: { upstreamId: own.id, target: "10.0.0.1:80" },
  });
  const other = await h.prisma.upstream.create({ data: { name: "other.test" } });
  await h.prisma.target.create({ data: { upstreamId: own.id, target: "10.0.0.2:80" } });
  await h.prisma.target.create({ data: { upstreamId: other.id, target: "10.0.0.2:80" } });
  await h.prisma.service.delete({ where: { id: service.id } });
  assert.equal(await h.prisma.upstream.count({ where: { id: own.id } }), 0);
  assert.equal(await h.prisma.target.count({ where: { upstreamId: own.id } }), 0);
  assert.equal(await h.prisma.target.count({ where: { upstreamId: other.id } }), 1);
  await h.prisma.upstream.delete({ where: { id: other.id } });
  assert.equal(await h.prisma.target.count({ where: { upstreamId: other.id } }), 0);
});

test("Route: CRUD, version bump, unique name, arrays and headers", async () => {
  await exerciseCrud(h.prisma.route, {
    create: { name: "r-a", paths: ["/a"], headers: { "x-v": ["1", "2"] } },
    update: { paths: ["/a", "/b"], methods: ["GET"], stripPath: false },
    duplicate: { name: "r-a", paths: ["/c"] },
  });
  const route = await h.prisma.route.create({ data: { paths: ["/unnamed"] } });
  assert.deepEqual(route.protocols, ["http", "https"]);
  assert.equal(route.stripPath, true);
  assert.equal(route.preserveHost, false);
  assert.equal(route.regexPriority, 0);
  assert.deepEqual(route.headers, {});
});

test("Route: a service with routes cannot be deleted (P2003)", async () => {
  const service = await h.prisma.service.create({ data: { name: "svc-r", host: "r.test" } });
  await h.prisma.route.create({ data: { name: "r-keep", serviceId: service.id } });
  await assert.rejects(h.prisma.service.delete({ where: { id: service.id } }), (error: unknown) => {
    assert.ok(isForeignKeyViolation(error), `expected P2003, got ${String(error)}`);
    return true;
  });
});

test("Plugin: CRUD, version bump, config JSON", async () => {
  await exerciseCrud(h.prisma.plugin, {
    create: { name: "cors", config: { origins: ["*"] } },
    update: { enabled: false, config: { origins: ["https://a.test"] } },
    duplicate: { name: "cors" },
  });
});

test("Plugin: one instance per name per scope, NULL scopes included", async () => {
  const service = await h.prisma.service.create({ data: { name: "svc-p", host: "p.test" } });
  const route = await h.prisma.route.create({ data: { name: "r-p", serviceId: service.id } });
  await h.prisma.plugin.create({ data: { name: "key-auth" } });
  await h.prisma.plugin.create({ data: { name: "key-auth", serviceId: service.id } });
  await h.prisma.plugin.create({ data: { name: "key-auth", routeId: route.id } });
  await h.prisma.plugin.create({
    data: { name: "key-auth", serviceId: service.id, routeId: route.id },
  });
  for (const scope of [{}, { serviceId: service.id }, { routeId: route.id }]) {
    await assert.rejects(
      h.prisma.plugin.create({ data: { name: "key-auth", ...scope } }),
      (error: unknown) => {
        assert.ok(isUniqueViolation(error), `scope ${JSON.stringify(scope)}: ${String(error)}`);
        return true;
      },
    );
  }
});

test("Plugin: deleting a route deletes its plugins", async () => {
  const route = await h.prisma.route.create({ data: { name: "r-cascade" } });
  await h.prisma.plugin.create({ data: { name: "acl", routeId: route.id } });
  await h.prisma.route.delete({ where: { id: route.id } });
  assert.equal(await h.prisma.plugin.count({ where: { routeId: route.id } }), 0);
});

test("P2002 names the colliding fields, also for the plugin scope index", async () => {
  await h.prisma.plugin.create({ data: { name: "cors-x" } });
  await assert.rejects(h.prisma.plugin.create({ data: { name: "cors-x" } }), (error: unknown) => {
    assert.deepEqual(uniqueViolationFields(error), ["name", "serviceId", "routeId", "consumerId"]);
    return true;
  });
});
