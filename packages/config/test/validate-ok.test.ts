import assert from "node:assert/strict";
import { test } from "node:test";
import { validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const doc = {
  _format_version: "3.0",
  services: [
    {
      name: "echo",
      url: "http://echo.internal:8080/api",
      read_timeout: 5000,
      tags: ["demo"],
      routes: [
        { name: "echo-route", paths: ["/echo"], methods: ["get"], plugins: [{ name: "key-auth" }] },
      ],
    },
    { name: "plain", host: "example.com", protocol: "https" },
  ],
  routes: [
    { name: "maintenance", paths: ["/down"] },
    { paths: ["~/v[0-9]+/x$"], service: "plain", headers: { "X-Version": ["1"] } },
  ],
  upstreams: [
    {
      name: "echo.internal",
      targets: [{ target: "127.0.0.1:9000", weight: 50 }, { target: "10.0.0.2" }],
    },
  ],
  consumers: [{ username: "alice", keyauth_credentials: [{ key: "secret-1" }] }],
  plugins: [
    { name: "request-termination", route: "maintenance", config: { status_code: 418 } },
    { name: "key-auth", service: "plain", consumer: "alice" },
  ],
};

test("a valid document normalizes to flat arrays with resolved references", () => {
  const r = validateDeclarative(doc, { plugins: catalog });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const c = r.config;
  assert.equal(c.services.length, 2);
  const echo = c.services[0]!;
  assert.deepEqual(
    { protocol: echo.protocol, host: echo.host, port: echo.port, path: echo.path },
    { protocol: "http", host: "echo.internal", port: 8080, path: "/api" },
  );
  assert.equal(echo.readTimeout, 5000);
  assert.equal(echo.connectTimeout, 60000);
  assert.equal(echo.retries, 5);
  assert.deepEqual(echo.upstream?.targets, [
    { target: "127.0.0.1:9000", host: "127.0.0.1", port: 9000, weight: 50 },
    { target: "10.0.0.2", host: "10.0.0.2", port: 8000, weight: 100 },
  ]);
  assert.equal(c.services[1]!.port, 443);
  assert.equal(c.routes.length, 3);
  assert.deepEqual(c.routes[0]!.methods, ["GET"]);
  assert.equal(c.routes[0]!.service, echo);
  assert.equal(c.routes[0]!.stripPath, true);
  assert.equal(c.routes[1]!.service, null);
  assert.deepEqual(c.routes[2]!.headers, { "x-version": ["1"] });
  const term = c.plugins.find((p) => p.name === "request-termination")!;
  assert.equal(term.routeId, c.routes[1]!.id);
  assert.deepEqual(term.config, { status_code: 418 });
  const scoped = c.plugins.find((p) => p.name === "key-auth" && p.consumerId !== null)!;
  assert.equal(scoped.serviceId, c.services[1]!.id);
  assert.equal(scoped.consumerId, c.consumers[0]!.id);
  const nested = c.plugins.find((p) => p.source === "services[0].routes[0].plugins[0]")!;
  assert.deepEqual(nested.config, { key_names: ["apikey"] });
  assert.equal(c.consumers[0]!.keyauthCredentials[0]!.key, "secret-1");
});

test("ids are stable across validations", () => {
  const a = validateDeclarative(doc, { plugins: catalog });
  const b = validateDeclarative(structuredClone(doc), { plugins: catalog });
  assert.ok(a.ok && b.ok);
  assert.deepEqual(
    a.config.routes.map((r) => r.id),
    b.config.routes.map((r) => r.id),
  );
  assert.match(
    a.config.services[0]!.id,
    /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});
