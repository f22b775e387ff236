// Regression: routes every data plane refuses (a header regex that does not compile, a path that
// climbs above the root, an encoded "/" in a regex path, NUL, a backslash) used to be accepted by
// the admin and committed as a version no data plane would run. The admin now applies the same
// route rules (@gatehouse/config routes.ts) and answers 400 with the data plane's path and message.
// apps/gateway/test/control-refuses-route-rules.test.ts pushes the same routes to a data plane.
import assert from "node:assert/strict";
import { test } from "node:test";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

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

const versions = async (): Promise<number> =>
  (await api("GET", "/api/v1/config/versions?size=1000")).body.data.length;

test("routes a data plane refuses are refused by the route API: 400 with the path, nothing committed", async () => {
  const before = await versions();
  for (const [i, { route, field, message }] of REFUSED.entries()) {
    const response = await api("POST", "/api/v1/routes", { body: { name: `r${i}`, ...route } });
    assert.equal(response.status, 400, response.text);
    assert.deepEqual(response.body.errors, [{ path: field, message }], JSON.stringify(route));
  }
  assert.equal((await api("GET", "/api/v1/routes")).body.data.length, 0);
  assert.equal(await versions(), before);
});

test("the same routes in a declarative import: 400 with the data plane's own path, nothing committed", async () => {
  const before = await versions();
  const response = await api("POST", "/api/v1/config/import", {
    body: {
      _format_version: "3.0",
      routes: REFUSED.map(({ route }, i) => ({ name: `r${i}`, ...route })),
    },
  });
  assert.equal(response.status, 400, response.text);
  assert.deepEqual(
    response.body.errors,
    REFUSED.map(({ field, message }, i) => ({ path: `routes[${i}].${field}`, message })),
  );
  assert.equal((await api("GET", "/api/v1/routes")).body.data.length, 0);
  assert.equal(await versions(), before);
});
