// Regression: these routes were accepted by the admin and refused by every data plane (only the
// router checked them). Both now apply @gatehouse/config's route rules: the data plane answers the
// push with the path and message the admin answers (apps/admin/test/routes-data-planes-refuse),
// and its router, given the routes without validation, refuses them with the same list.
import assert from "node:assert/strict";
import { test } from "node:test";
import { tryCompileRouter } from "../src/router/router.js";
import { control, gateway } from "./helpers.js";

const REFUSED: { route: Record<string, unknown>; field: string; message: string }[] = [
  {
    route: { headers: { "x-v": ["~*["] } },
    field: "headers.x-v[0]",
    message: "invalid regular expression: Unterminated character class",
  },
  {
    route: { paths: ["/a/../../b"] },
    field: "paths[0]",
    message: "'..' segment escapes the root of the path",
  },
  {
    route: { paths: ["~/a%2Fb"] },
    field: "paths[0]",
    message: "encoded '/' (%2F) is not allowed in path",
  },
  { route: { paths: ["/a%00"] }, field: "paths[0]", message: "NUL (%00) is not allowed in path" },
  {
    route: { paths: ["/a\\b"] },
    field: "paths[0]",
    message: "'\\' (raw or %5C) is not allowed in path",
  },
];
const expected = REFUSED.map(({ field, message }, i) => ({
  path: `routes[${i}].${field}`,
  message,
}));

test("a push with routes the route rules refuse is 400 with each path and message", async (t) => {
  const gw = await gateway(t, { _format_version: "3.0" });
  const config = {
    _format_version: "3.0",
    routes: REFUSED.map(({ route }, i) => ({ name: `r${i}`, ...route })),
  };
  const r = await control(gw, "PUT", "/v1/config", { version: 1, config });
  assert.equal(r.status, 400, r.text);
  assert.deepEqual((r.json() as { errors: unknown[] }).errors, expected);
});

test("the router compiles with the same rules: same paths and messages", () => {
  const compiled = tryCompileRouter(REFUSED.map(({ route }, i) => ({ id: `r${i}`, ...route })));
  assert.equal(compiled.ok, false);
  assert.deepEqual(!compiled.ok && compiled.errors, expected);
});
