import assert from "node:assert/strict";
import { test } from "node:test";
import { z } from "zod";
import { catalogOf, chainOf, compileChains, definePlugin, tryCompileChains } from "../src/index.js";
import { runChain } from "../src/testing.js";

// upper-cases the body only when configured to; phasesFor drops body_filter otherwise
const shout = definePlugin({
  name: "shout",
  version: "1.0.0",
  priority: 10,
  configSchema: z.object({ body: z.boolean().default(false) }),
  phases: {
    header_filter: (kit) => kit.response.setHeader("X-Shout", "1"),
    body_filter: (kit) =>
      kit.response.setRawBody(kit.response.getRawBody().toString().toUpperCase()),
  },
  phasesFor: (c) => (c.body ? ["header_filter", "body_filter"] : ["header_filter"]),
});
const catalog = catalogOf([shout]);
const upstream = { status: 200, headers: { "content-type": "text/plain" }, body: "quiet" };

test("phasesFor: an instance whose config needs no body_filter is left out of it (no buffering)", async () => {
  const chain = compileChains([{ name: "shout", config: {} }], catalog).forRoute(
    undefined,
    undefined,
  );
  assert.equal(chain.body_filter.length, 0);
  assert.equal(chain.header_filter.length, 1);
  assert.equal(chain.hasBodyFilter, false);
  const r = await runChain([{ name: "shout", config: {} }], catalog, { upstream });
  assert.equal(r.tx.needsBodyBuffering, false);
  assert.equal(r.response.header("x-shout"), "1");
  assert.equal(r.response.text, "quiet");
});

test("phasesFor: an instance whose config needs body_filter still runs it", async () => {
  const r = await runChain([{ name: "shout", config: { body: true } }], catalog, { upstream });
  assert.equal(r.tx.needsBodyBuffering, true);
  assert.equal(r.response.text, "QUIET");
  assert.equal(r.response.header("x-shout"), "1");
});

test("phasesFor: phases the plugin does not declare are ignored", () => {
  const odd = definePlugin({
    name: "odd",
    version: "1.0.0",
    priority: 20,
    configSchema: z.object({}),
    phases: { log: () => {} },
    phasesFor: () => ["log", "access", "body_filter"],
  });
  const chain = chainOf([{ def: odd, config: {} }]);
  assert.equal(chain.log.length, 1);
  assert.equal(chain.access.length, 0);
  assert.equal(chain.body_filter.length, 0);
});

test("phasesFor: a throwing phasesFor is a compile error naming the instance's config", () => {
  const bad = definePlugin({
    name: "bad",
    version: "1.0.0",
    priority: 30,
    configSchema: z.object({}),
    phases: { access: () => {} },
    phasesFor: () => {
      throw new Error("boom");
    },
  });
  const r = tryCompileChains([{ name: "bad", config: {} }], catalogOf([bad]));
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors, [
    {
      path: "plugins[0].config",
      message: 'plugin "bad" could not decide its phases for this config: boom',
    },
  ]);
});

test("definePlugin refuses a phasesFor that is not a function", () => {
  assert.throws(
    () =>
      definePlugin({
        name: "nope",
        version: "1.0.0",
        priority: 1,
        configSchema: z.object({}),
        phases: {},
        phasesFor: "header_filter" as never,
      }),
    { message: 'plugin "nope": phasesFor must be a function' },
  );
});
