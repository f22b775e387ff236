import assert from "node:assert/strict";
import { test } from "node:test";
import type { CredentialLookup, PluginInstanceSpec } from "@gatehouse/plugin-kit";
import { catalogOf, definePlugin, validatePluginConfig } from "@gatehouse/plugin-kit";
import { runChain, runPlugin } from "@gatehouse/plugin-kit/testing";
import { z } from "zod";
import { AUTHENTICATED_GROUPS } from "./handler.js";
import { acl, builtinCatalog } from "../index.js";

const consumers = {
  alice: { id: "c-alice", username: "alice" },
  bob: { id: "c-bob", username: "bob" },
  carol: { id: "c-carol", username: "carol" },
  anon: { id: "c-anon", username: "anonymous" },
};
const groups: Record<string, string[]> = {
  "c-alice": ["admins", "ops"],
  "c-bob": ["users"],
  "c-anon": ["guests"],
};
const keys: Record<string, keyof typeof consumers> = { a: "alice", b: "bob", c: "carol" };
const credentials: CredentialLookup = {
  keyAuth: (key) => {
    const who = keys[key];
    return who && { consumer: consumers[who], credential: { id: `k-${key}` } };
  },
  consumer: (idOrName) =>
    Object.values(consumers).find((c) => c.id === idOrName || c.username === idOrName),
  consumerGroups: (id) => groups[id],
};
const chain = (aclConfig: unknown, key?: string, keyAuthConfig: unknown = {}) => {
  const specs: PluginInstanceSpec[] = [
    { name: "key-auth", config: keyAuthConfig },
    { name: "acl", config: aclConfig },
  ];
  return runChain(specs, builtinCatalog, {
    credentials,
    request: { headers: key ? { apikey: key, "x-consumer-groups": "forged" } : {} },
  });
};
const errors = (raw: unknown) => {
  const r = validatePluginConfig(acl, raw);
  return r.ok ? [] : r.errors;
};

test("allow: a consumer in an allowed group passes with X-Consumer-Groups upstream", async () => {
  const r = await chain({ allow: ["admins"] }, "a");
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Consumer-Groups"], "admins, ops");
});

test("allow: a consumer in no allowed group: 403 'You cannot consume this service'", async () => {
  const r = await chain({ allow: ["admins"] }, "b");
  assert.equal(r.response.status, 403);
  assert.deepEqual(r.response.json(), { message: "You cannot consume this service" });
});

test("allow: a consumer without any group is refused with 403", async () => {
  assert.equal((await chain({ allow: ["admins"] }, "c")).response.status, 403);
});

test("deny: a consumer in a denied group is refused, others (even without groups) pass", async () => {
  assert.equal((await chain({ deny: ["users"] }, "b")).response.status, 403);
  assert.equal((await chain({ deny: ["users"] }, "a")).response.status, 200);
  const none = await chain({ deny: ["users"] }, "c");
  assert.equal(none.response.status, 200);
  // Kong: a consumer without groups gets an empty X-Consumer-Groups (the forged one replaced)
  const h = none.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-Groups"] ?? h["x-consumer-groups"], "");
});

test("an anonymous consumer without groups gets an empty X-Consumer-Groups (deny list), as Kong", async () => {
  // carol has no group; she is key-auth's anonymous consumer here
  const r = await runChain(
    [
      { name: "key-auth", config: { anonymous: "carol" } },
      { name: "acl", config: { deny: ["users"] } },
    ],
    builtinCatalog,
    { credentials, request: { headers: { "x-consumer-groups": "forged" } } },
  );
  assert.equal(r.response.status, 200);
  const h = r.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-Groups"] ?? h["x-consumer-groups"], "");
});

test("no authenticated consumer: 401 'Unauthorized' (acl alone, no authentication plugin)", async () => {
  const r = await runPlugin(acl, { allow: ["admins"] }, { credentials });
  assert.equal(r.response.status, 401);
  assert.deepEqual(r.response.json(), { message: "Unauthorized" });
});

test("the anonymous consumer of an authentication plugin is checked by its own groups", async () => {
  const r = await chain({ allow: ["guests"] }, undefined, { anonymous: "anonymous" });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Consumer-Groups"], "guests");
  assert.equal(
    (await chain({ allow: ["admins"] }, undefined, { anonymous: "anonymous" })).response.status,
    403,
  );
});

test("hide_groups_header: no X-Consumer-Groups upstream, and a client-sent one is removed", async () => {
  const r = await chain({ allow: ["admins"], hide_groups_header: true }, "a");
  assert.equal(r.response.status, 200);
  const h = r.upstreamRequest!.headers;
  assert.equal(h["X-Consumer-Groups"] ?? h["x-consumer-groups"], undefined);
});

// an authentication plugin without consumers (ldap-style) that puts the client's groups in kit.ctx
const ldapLike = definePlugin({
  name: "ldap-like",
  version: "1.0.0",
  priority: 1200,
  configSchema: z.object({ groups: z.array(z.string()) }),
  phases: {
    access: (kit, conf) => {
      kit.ctx.set(AUTHENTICATED_GROUPS, conf.groups);
    },
  },
});
const withLdap = catalogOf([ldapLike, ...builtinCatalog.values()]);
const ldapChain = (aclConfig: unknown, key?: string) =>
  runChain(
    [
      { name: "ldap-like", config: { groups: ["ldap-admins"] } },
      { name: "key-auth", config: { anonymous: "anonymous" } },
      { name: "acl", config: aclConfig },
    ],
    withLdap,
    { credentials, request: { headers: key ? { apikey: key } : {} } },
  );

test("authenticated groups (kit.ctx) apply without a credential, sent as X-Authenticated-Groups", async () => {
  const r = await ldapChain({ allow: ["ldap-admins"] });
  assert.equal(r.response.status, 200);
  assert.equal(r.upstreamRequest!.headers["X-Authenticated-Groups"], "ldap-admins");
});

test("always_use_authenticated_groups: authenticated groups win over an authenticated consumer's", async () => {
  assert.equal((await ldapChain({ allow: ["ldap-admins"] }, "b")).response.status, 403);
  const r = await ldapChain({ allow: ["ldap-admins"], always_use_authenticated_groups: true }, "b");
  assert.equal(r.response.status, 200);
});

test("config: exactly one of allow / deny, with Kong's messages", () => {
  assert.deepEqual(errors({}), [
    {
      path: "config",
      message: "at least one of these fields must be non-empty: 'config.allow', 'config.deny'",
    },
  ]);
  assert.deepEqual(errors({ allow: ["a"], deny: ["b"] }), [
    {
      path: "config",
      message: "only one of these fields must be non-empty: 'config.allow', 'config.deny'",
    },
  ]);
  assert.deepEqual(
    errors({ allow: [""] }).map((e) => [e.path, e.message]),
    [["config.allow[0]", "must not be empty"]],
  );
  assert.equal(
    errors({ allow: ["a"], hide_groups_header: "no" })[0]?.path,
    "config.hide_groups_header",
  );
  assert.equal(
    errors({ allow: ["a"], always_use_authenticated_groups: 1 })[0]?.path,
    "config.always_use_authenticated_groups",
  );
  const ok = validatePluginConfig(acl, { deny: ["x"] });
  assert.deepEqual(ok.ok && ok.config, {
    deny: ["x"],
    hide_groups_header: false,
    always_use_authenticated_groups: false,
  });
});
