// Property: the fast path for large documents (plain routes skip zod, validate.ts
// `isPlainValidRoute`) never changes a result. For random routes (valid and invalid values of
// every plain field, wrong types, unknown keys), validating the document as it is must give exactly
// what the full schema gives; an empty `headers` object changes nothing in the result but sends
// every route through zod, so it is the reference.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { documentSchema, fromZodIssues, validateDeclarative } from "../src/index.js";
import { documentSchemaFastRoutes } from "../src/fast-routes.js";
import { catalog } from "./helpers.js";

const pick = (...values: unknown[]) => fc.constantFrom(...values);
const usually = <T>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: other, weight: 1 });
const list = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 3 });

const fields = {
  id: usually(fc.uuid(), pick("", "x".repeat(129), 7)),
  name: usually(pick("r", "a.b_c~d-e"), pick("", "bad name", "x".repeat(129), null)),
  protocols: usually(list(pick("http", "https")), pick([], ["grpc"], "http")),
  methods: usually(list(pick("GET", "post")), list(pick("M-SEARCH", "", 3))),
  hosts: usually(
    list(pick("a.example.com", "*.x.org", "x.*:81")),
    list(pick("a.*.b", "", "[::1]")),
  ),
  paths: usually(list(pick("/a", "/b/", "~/c/\\d+")), list(pick("a", "~(", "/a%2F", "", 1))),
  tags: usually(list(pick("t1", "team:x")), list(pick("", "a b", "a,b", "x".repeat(129)))),
  strip_path: usually(fc.boolean(), pick("true", 0)),
  preserve_host: usually(fc.boolean(), pick("false", 1)),
  request_buffering: usually(fc.boolean(), pick(null)),
  response_buffering: usually(fc.boolean(), pick("yes")),
  regex_priority: usually(fc.integer({ min: -9, max: 9 }), pick(1.5, 2 ** 60, "1")),
  max_body_size: usually(fc.nat(), pick(-1, 0.5, "10")),
  path_handling: usually(pick("v0", "v1"), pick("v2", "")),
  https_redirect_status_code: usually(pick(426, 301, 302, 307, 308), pick(200, "301")),
};
const route = fc
  .tuple(
    fc.record(fields, { requiredKeys: [] }),
    usually(pick({}), pick({ bogus: 1 }, { bogus: undefined })),
  )
  .map(([r, extra]) => ({ ...r, ...(extra as object) }));
const topRoute = fc
  .tuple(route, usually(pick("s"), pick("", "nope", { name: "s" }, 5)))
  .map(([r, service]) => ({ ...r, service }));

const document = (nested: object[], top: object[]) => ({
  _format_version: "3.0",
  services: [{ name: "s", url: "http://up:81", routes: nested }],
  routes: top,
});
const throughZod = (r: object) => ({ ...r, headers: {} });

test("the fast path for plain routes gives exactly what the full schema gives", () => {
  let accepted = 0;
  fc.assert(
    fc.property(list(route), list(topRoute), (nested, top) => {
      const fast = validateDeclarative(document(nested, top), { plugins: catalog });
      const full = validateDeclarative(document(nested.map(throughZod), top.map(throughZod)), {
        plugins: catalog,
      });
      assert.deepEqual(fast, full);
      if (fast.ok) accepted++;
    }),
    { numRuns: 1500, seed: 20261201 },
  );
  assert.ok(accepted > 100, `only ${accepted} documents were accepted: the generator needs tuning`);
});

test("plain routes among routes the schema checks give exactly what the full schema gives", () => {
  // each route is decided on its own: a few routes with headers or plugins among plain ones must
  // not change the result, the order of the errors included
  const mixed = fc.array(fc.tuple(route, fc.boolean()), { maxLength: 6 });
  const mixedTop = fc.array(fc.tuple(topRoute, fc.boolean()), { maxLength: 4 });
  let accepted = 0;
  let refused = 0;
  fc.assert(
    fc.property(mixed, mixedTop, (nested, top) => {
      const some = (rs: [object, boolean][]) => rs.map(([r, zod]) => (zod ? throughZod(r) : r));
      const all = (rs: [object, boolean][]) => rs.map(([r]) => throughZod(r));
      const fast = validateDeclarative(document(some(nested), some(top)), { plugins: catalog });
      const full = validateDeclarative(document(all(nested), all(top)), { plugins: catalog });
      assert.deepEqual(fast, full);
      // and the schema with the fast path is the document schema, issue for issue
      const doc = document(some(nested), some(top));
      const a = documentSchemaFastRoutes.safeParse(doc, { reportInput: true });
      const b = documentSchema.safeParse(doc, { reportInput: true });
      assert.equal(a.success, b.success);
      if (a.success && b.success) assert.deepEqual(a.data, b.data);
      else assert.deepEqual(fromZodIssues(a.error!.issues), fromZodIssues(b.error!.issues));
      if (fast.ok) accepted++;
      else refused++;
    }),
    { numRuns: 1000, seed: 20261202 },
  );
  assert.ok(accepted > 50 && refused > 50, `accepted ${accepted}, refused ${refused}`);
});

test("a route that is not plain is checked by the route schema at its own index", () => {
  const plain = (i: number) => ({ name: `r${i}`, paths: [`/r${i}`] });
  const doc = {
    _format_version: "3.0",
    services: [
      {
        name: "s",
        url: "http://up:81",
        routes: [
          plain(0),
          { name: "p", paths: ["/p"], plugins: [{ name: "nope-plugin" }] },
          plain(2),
          { paths: ["/h"], headers: { "x-a": [] }, bogus: 1 },
          { name: "m", methods: ["get"], plugins: [] },
        ],
      },
    ],
    routes: [{ name: "t", paths: ["no-slash"], service: "s", plugins: [] }],
  };
  const result = validateDeclarative(doc, { plugins: catalog });
  assert.ok(!result.ok);
  assert.deepEqual(result.errors, [
    { path: "services[0].routes[3].headers.x-a", message: "must list at least one value" },
    { path: "services[0].routes[3].bogus", message: "unknown field" },
    { path: "routes[0].paths[0]", message: 'must start with "/" or "~"' },
    {
      path: "services[0].routes[1].plugins[0].name",
      message: 'plugin "nope-plugin" is not installed on this data plane',
    },
  ]);
  doc.services[0]!.routes.splice(3, 1);
  doc.services[0]!.routes[1] = plain(1);
  doc.routes[0]!.paths = ["/t"];
  const ok = validateDeclarative(doc, { plugins: catalog });
  assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.errors));
  assert.deepEqual(
    ok.config.routes.map((r) => [r.name, r.methods]),
    [
      ["r0", null],
      ["r1", null],
      ["r2", null],
      ["m", ["GET"]],
      ["t", null],
    ],
  );
});
