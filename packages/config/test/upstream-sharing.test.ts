// Issue 9: one service's targets must never receive another service's traffic. decK's rule (a
// service whose host names an upstream balances over its targets) stays; a document where two
// services with different ports would be merged onto one upstream is refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { validateDeclarative } from "../src/index.js";
import { catalog } from "./helpers.js";

const validate = (doc: unknown) => validateDeclarative(doc, { plugins: catalog });

test("two services on one host with different ports, targets under the bare host: refused", () => {
  // what the admin used to export for svc-a = 127.0.0.1:8102 and svc-b = 127.0.0.1:8199
  const r = validate({
    _format_version: "3.0",
    services: [
      { name: "svc-a", url: "http://127.0.0.1:8102" },
      { name: "svc-b", protocol: "http", host: "127.0.0.1", port: 8199 },
    ],
    upstreams: [{ name: "127.0.0.1", targets: [{ target: "127.0.0.1:8199" }] }],
  });
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors, [
    {
      path: "services[1].host",
      message:
        'names upstream "127.0.0.1" as services[0] does, but with port 8199 instead of 8102: ' +
        "that upstream's targets would serve both services (a service balancing over an upstream " +
        "does not use its port); give each service its own upstream",
    },
  ]);
});

test("the colliding service written as a url is reported on its url", () => {
  const r = validate({
    _format_version: "3.0",
    services: [
      { name: "a", host: "backend", port: 80 },
      { name: "b", url: "http://backend:8080/b" },
    ],
    upstreams: [{ name: "backend", targets: [{ target: "10.0.0.1:80" }] }],
  });
  assert.deepEqual(!r.ok && r.errors.map((e) => e.path), ["services[1].url"]);
});

test("each service with an upstream of its own keeps its own targets (host_header kept)", () => {
  const r = validate({
    _format_version: "3.0",
    services: [
      { name: "svc-a", url: "http://127.0.0.1:8102" },
      { name: "svc-b", host: "svc-b.upstream", port: 8199 },
    ],
    upstreams: [
      {
        name: "svc-b.upstream",
        host_header: "127.0.0.1",
        targets: [{ target: "127.0.0.1:8199" }],
      },
    ],
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  const [a, b] = r.config.services;
  assert.equal(a?.upstream, null, "svc-a balances over nothing: it goes to its own host:port");
  assert.equal(b?.upstream?.name, "svc-b.upstream");
  assert.equal(b?.upstream?.hostHeader, "127.0.0.1");
  assert.deepEqual(
    b?.upstream?.targets.map((t) => t.target),
    ["127.0.0.1:8199"],
  );
});

test("services sharing a decK upstream on the same port stay valid (Kong semantics)", () => {
  const r = validate({
    _format_version: "3.0",
    services: [
      { name: "users", host: "backend", path: "/users" },
      { name: "orders", url: "http://backend/orders" },
    ],
    upstreams: [{ name: "backend", targets: [{ target: "10.0.0.1:8080" }] }],
  });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.config.services[0]?.upstream?.hostHeader, null);
  assert.equal(r.config.services[0]?.upstream, r.config.services[1]?.upstream);
});
