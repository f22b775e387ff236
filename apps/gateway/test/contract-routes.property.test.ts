// Property: the admin and the data planes agree on routes. Documents with hostile and random
// route fields (paths, hosts, header names and values, methods, regexes, ids) are generated; for
// each one,
//   1. a document the admin accepts (validateDeclarative, what the admin commits with) compiles on
//      a data plane (the gateway's real apply: validate, then compile router, chains and pool);
//   2. a document a data plane refuses is refused by the admin with the same paths and messages;
//   3. the router, given the raw route fields without any validation, refuses exactly the matcher
//      values the admin's schema refuses, with the same path and message (one rule set, two uses).
import assert from "node:assert/strict";
import { after, test } from "node:test";
import fc from "fast-check";
import { validateDeclarative } from "@gatehouse/config";
import type { ConfigError } from "@gatehouse/config";
import { builtinCatalog } from "@gatehouse/plugins";
import { pluginCatalog } from "../src/config/catalog.js";
import { tryCompileRouter } from "../src/router/router.js";
import type { RouteSpec } from "../src/router/router.js";
import { buildGateway } from "../src/server.js";

const gateway = buildGateway({ logLevel: "silent" });
after(() => gateway.close());
const adminCatalog = pluginCatalog(builtinCatalog); // the admin's validationCatalog() adapter

const pick = <T>(...values: T[]) => fc.constantFrom(...values);
const textOf = (chars: string[], maxLength: number) =>
  fc.array(fc.constantFrom(...chars), { maxLength }).map((a) => a.join(""));

// paths: prefix and regex, with dot segments, percent-encodings, NUL, backslashes, regex syntax
const pathChars = [..."/././/..%2F%5c%00%41%2e%zz~\\()[]{}?*+|^$P<>:aZ0 #é"];
// each field: usually a value a user would write (so that many documents are accepted and must
// compile), sometimes a hostile one
const usually = <T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: hostile, weight: 1 });
const path = usually(
  pick("/", "/a", "/a/b/", "/a//b/./c", "/%7Euser", "~/(?P<id>\\d+)", "~/a|/b", "~/v[0-9]+/x"),
  fc.oneof(
    pick("/a/../../b", "~/a%2Fb", "/a%00", "/a\\b", "~", "~/a(b"),
    textOf(pathChars, 12).map((s) => `/${s}`),
    textOf(pathChars, 12).map((s) => `~/${s}`),
    textOf(pathChars, 8),
  ),
);
const hostChars = [..."ab.-_*:[]09Z"];
const host = usually(
  pick("example.com", "*.example.com", "example.*", "Example.COM:8080", "[::1]:80", "a_b.c"),
  fc.oneof(
    pick("a.*.com", "x.com:99999", "a-", "example.com.", ""),
    textOf(hostChars, 10),
    fc.tuple(fc.integer({ min: 60, max: 70 }), pick("", ".com")).map(([n, s]) => "a".repeat(n) + s),
  ),
);
const method = usually(
  pick("GET", "post", "Delete", "PURGE"),
  fc.oneof(pick("M-SEARCH", "", "GET "), textOf([..."AZaz- 1"], 6)),
);
const headerName = usually(
  pick("x-v", "X-Mixed", "accept"),
  fc.oneof(pick("Host", "x y", ""), textOf([..."ax-:é"], 5)),
);
const headerValue = usually(
  pick("~*^v\\d+$", "~*", "Plain", "v1"),
  fc.oneof(pick("~*[", "~*(", ""), textOf([..."~*[()a\\d+$"], 8)),
);
const id = usually(fc.uuid(), pick("same-id")); // "same-id" twice: duplicate route ids

const route = fc.record(
  {
    id,
    methods: fc.array(method, { maxLength: 3 }),
    hosts: fc.array(host, { maxLength: 2 }),
    paths: fc.array(path, { maxLength: 3 }),
    headers: fc.dictionary(
      headerName,
      usually(fc.array(headerValue, { minLength: 1, maxLength: 2 }), fc.constant([])),
      { maxKeys: 2 },
    ),
    regex_priority: fc.integer({ min: -5, max: 5 }),
  },
  { requiredKeys: [] },
);
const document = fc
  .tuple(fc.array(route, { maxLength: 3 }), fc.array(route, { maxLength: 3 }))
  .map(([nested, top]) => ({
    _format_version: "3.0",
    services: [{ name: "svc", url: "http://127.0.0.1:9", routes: nested }],
    routes: top.map((r) => ({ ...r, service: "svc" })),
  }));

function dataPlane(doc: unknown): { ok: true } | { ok: false; errors: ConfigError[] } {
  const prepared = gateway.state.prepare(doc, 1, "push");
  if (!prepared.ok) return { ok: false, errors: prepared.errors };
  prepared.snapshot.retire();
  return { ok: true };
}

const MATCHER = /^(services\[0\]\.routes|routes)\[\d+\](\.(methods|hosts|paths|headers)\b.*)?$/;
const key = (e: ConfigError) => `${e.path} :: ${e.message}`;

test("every document the admin accepts compiles on a data plane; every refusal is the same", () => {
  let accepted = 0;
  fc.assert(
    fc.property(document, (doc) => {
      const admin = validateDeclarative(doc, { plugins: adminCatalog });
      const dp = dataPlane(doc);
      if (admin.ok) accepted++;
      if (admin.ok) assert.equal(dp.ok, true, JSON.stringify(dp));
      else assert.deepEqual(dp, { ok: false, errors: admin.errors });
    }),
    { numRuns: 400, seed: 20261201 },
  );
  assert.ok(accepted > 80, `only ${accepted} documents were accepted: the generator needs tuning`);
});

test("the router refuses exactly the matcher values the admin refuses, with the same messages", () => {
  fc.assert(
    fc.property(document, (doc) => {
      const admin = validateDeclarative(doc, { plugins: adminCatalog });
      const adminErrors = admin.ok ? [] : admin.errors.filter((e) => MATCHER.test(e.path));
      const sites = [
        ...doc.services
          .flatMap((s) => s.routes)
          .map((r, i) => ({ r, at: `services[0].routes[${i}]` })),
        ...doc.routes.map((r, i) => ({ r, at: `routes[${i}]` })),
      ];
      const routerErrors: ConfigError[] = [];
      sites.forEach(({ r, at }, i) => {
        const compiled = tryCompileRouter([{ ...r, id: `x${i}` } as RouteSpec]);
        if (compiled.ok) return;
        for (const e of compiled.errors) {
          routerErrors.push({ path: e.path.replace(/^routes\[0\]/, at), message: e.message });
        }
      });
      assert.deepEqual(routerErrors.map(key).sort(), adminErrors.map(key).sort());
    }),
    { numRuns: 400, seed: 20261201 },
  );
});
