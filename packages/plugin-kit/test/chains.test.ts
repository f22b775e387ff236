import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import type { PluginDefinition } from "../src/index.js";
import {
  ChainCompileError,
  catalogOf,
  compileChains,
  definePlugin,
  tryCompileChains,
} from "../src/index.js";
import { runChain } from "../src/testing.js";

// a plugin that tags the response with its instance's config, so we can see which instance ran
const tag = (name: string, priority: number): PluginDefinition =>
  definePlugin({
    name,
    version: "1.0.0",
    priority,
    configSchema: z.object({ v: z.string().default("default") }),
    phases: { header_filter: (kit, c) => kit.response.addHeader("X-Ran", `${name}=${c.v}`) },
  });

const auth = definePlugin({
  name: "auth",
  version: "1.0.0",
  priority: 1000,
  configSchema: z.object({}),
  phases: {
    access: (kit) => {
      const who = kit.request.getHeader("x-user");
      if (who) kit.client.authenticate({ id: who, username: `user-${who}` }, { id: `cred-${who}` });
    },
  },
});

const catalog = catalogOf([tag("t", 10), tag("u", 5), auth]);

test("scope precedence: route+service+consumer > route+consumer > service+consumer > route+service > consumer > route > service > global", async () => {
  const scopes = [
    { v: "global" },
    { v: "service", service: "s1" },
    { v: "route", route: "r1" },
    { v: "consumer", consumer: "c1" },
    { v: "route+service", route: "r1", service: "s1" },
    { v: "service+consumer", service: "s1", consumer: "c1" },
    { v: "route+consumer", route: "r1", consumer: "c1" },
    { v: "route+service+consumer", route: "r1", service: "s1", consumer: "c1" },
  ];
  const winners: string[] = [];
  // remove the most specific one each time: the next one must win
  for (let n = scopes.length; n > 0; n--) {
    const specs = [
      { name: "auth", config: {} },
      ...scopes.slice(0, n).map((s) => ({
        name: "t",
        config: { v: s.v },
        route: s.route,
        service: s.service,
        consumer: s.consumer,
      })),
    ];
    const r = await runChain(specs, catalog, {
      routeId: "r1",
      serviceId: "s1",
      request: { headers: { "x-user": "c1" } },
    });
    winners.push(String(r.response.header("x-ran")));
  }
  assert.deepEqual(winners, scopes.map((s) => `t=${s.v}`).reverse());
});

test("instances for another route, service or consumer do not apply", async () => {
  const r = await runChain(
    [
      { name: "t", config: { v: "r2" }, route: "r2" },
      { name: "u", config: { v: "s2" }, service: "s2" },
    ],
    catalog,
    { routeId: "r1", serviceId: "s1" },
  );
  assert.equal(r.response.header("x-ran"), undefined);
});

test("one instance per plugin name, all plugin names applied, sorted by priority", async () => {
  const r = await runChain(
    [
      { name: "u", config: { v: "global" } },
      { name: "t", config: { v: "route" }, route: "r1" },
      { name: "t", config: { v: "global" } },
    ],
    catalog,
    { routeId: "r1" },
  );
  assert.deepEqual(r.response.headers["X-Ran"], ["t=route", "u=global"]);
});

test("consumer-scoped instances apply after authentication, for later plugins and phases", async () => {
  const specs = [
    { name: "auth", config: {} },
    { name: "t", config: { v: "for-c1" }, consumer: "c1" },
  ];
  const anon = await runChain(specs, catalog, {});
  const c1 = await runChain(specs, catalog, { request: { headers: { "x-user": "c1" } } });
  const c2 = await runChain(specs, catalog, { request: { headers: { "x-user": "c2" } } });
  assert.deepEqual(
    [anon.response.header("x-ran"), c1.response.header("x-ran"), c2.response.header("x-ran")],
    [undefined, "t=for-c1", undefined],
  );
});

test("a consumer scope may name the consumer by username", async () => {
  const r = await runChain(
    [
      { name: "auth", config: {} },
      { name: "t", config: { v: "by-name" }, consumer: "user-c9" },
    ],
    catalog,
    {
      request: { headers: { "x-user": "c9" } },
    },
  );
  assert.equal(r.response.header("x-ran"), "t=by-name");
});

test("forRoute() is memoized per route/service", () => {
  const chains = compileChains([{ name: "t", config: {}, route: "r1" }], catalog);
  assert.equal(chains.forRoute("r1", "s1"), chains.forRoute("r1", "s1"));
  assert.equal(chains.forRoute("r9", undefined), chains.forRoute("r8", undefined));
  assert.equal(chains.forRoute("r9", undefined).isEmpty, true);
});

test("compile errors name the instance and field", () => {
  const r = tryCompileChains(
    [
      { name: "t", config: { v: 5 } },
      { name: "nope", config: {} },
      { name: "u", config: {}, route: "r1" },
      { name: "u", config: {}, route: "r1" },
    ],
    catalog,
  );
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors, [
    { path: "plugins[0].config.v", message: "must be a string, got number" },
    { path: "plugins[1].name", message: 'unknown plugin "nope"' },
    { path: "plugins[3]", message: 'plugin "u" is already configured for this scope (plugins[2])' },
  ]);
  assert.throws(() => compileChains([{ name: "nope", config: {} }], catalog), ChainCompileError);
});

test("disabled instances are ignored", async () => {
  const r = await runChain([{ name: "t", config: {}, enabled: false }], catalog, {});
  assert.equal(r.response.header("x-ran"), undefined);
});

test("catalogOf() refuses duplicate priorities", () => {
  assert.throws(
    () => catalogOf([tag("a", 1), tag("b", 1)]),
    /plugins "a" and "b" have the same priority 1; priorities are unique/,
  );
});
