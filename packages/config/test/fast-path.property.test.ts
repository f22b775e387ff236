// Property: the fast path for large documents (plain routes skip zod, validate.ts
// `isPlainValidRoute`) never changes a result. For random routes (valid and invalid values of
// every plain field, wrong types, unknown keys), validating the document as it is must give exactly
// what the full schema gives; an empty `headers` object changes nothing in the result but sends
// every route through zod, so it is the reference.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { validateDeclarative } from "../src/index.js";
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
