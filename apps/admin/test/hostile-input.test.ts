// Every bad input to the admin API is a 4xx naming the field, never a 500 (issue 9, item 10).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ApiResponse } from "./helpers/admin.js";
import { withAdminServer } from "./helpers/admin.js";

const { api } = withAdminServer();

const NUL = "must not contain NUL characters (\\u0000)";

/** A service "svc" and a consumer "alice", created once (root before hooks run alongside the admin's). */
let seeded: Promise<void> | undefined;
const seed = () =>
  (seeded ??= (async () => {
    const created = [
      await api("POST", "/api/v1/services", { body: { name: "svc", url: "http://127.0.0.1:9/" } }),
      await api("POST", "/api/v1/consumers", { body: { username: "alice" } }),
    ];
    for (const r of created) assert.equal(r.status, 201, r.text);
  })());

/** A 400 JSON answer whose errors are exactly `expected` (path → message). */
function assertFieldErrors(r: ApiResponse, expected: Record<string, string | RegExp>): void {
  assert.equal(r.status, 400, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  const errors = r.body.errors as { path: string; message: string }[];
  assert.deepEqual(errors.map((e) => e.path).sort(), Object.keys(expected).sort(), r.text);
  for (const e of errors) {
    const want = expected[e.path];
    if (want instanceof RegExp) assert.match(e.message, want);
    else assert.equal(e.message, want);
  }
}

test("NUL characters in a JSON body: 400 naming every field that holds one", async () => {
  await seed();
  assertFieldErrors(
    await api("POST", "/api/v1/consumers", { body: { username: "a\u0000b", tags: ["ok", "t\0"] } }),
    { username: NUL, "tags[1]": NUL },
  );
  assertFieldErrors(
    await api("POST", "/api/v1/plugins", {
      body: { name: "request-termination", config: { message: "x\0", "k\0": 1 } },
    }),
    { "config.message": NUL, 'config["k\\u0000"]': `the key ${NUL}` },
  );
  assertFieldErrors(await api("PATCH", "/api/v1/services/svc", { body: { tags: ["\0"] } }), {
    "tags[0]": NUL,
  });
  // login and the other non-entity bodies go through the same reader
  assertFieldErrors(
    await api("POST", "/api/v1/auth/login", {
      token: null,
      body: { username: "admin\0", password: "x" },
    }),
    { username: NUL },
  );
  assert.equal((await api("GET", "/api/v1/consumers?name=alice")).body.data.length, 1);
  assert.equal((await api("GET", "/api/v1/consumers")).body.data.length, 1, "nothing created");
});

test("NUL characters in a declarative document (JSON or YAML): 400 with the document path", async () => {
  await seed();
  const doc = { _format_version: "3.0", services: [{ name: "n", url: "http://n/", tags: ["\0"] }] };
  assertFieldErrors(await api("POST", "/api/v1/config/import", { body: doc }), {
    "services[0].tags[0]": NUL,
  });
  assertFieldErrors(
    await api("POST", "/api/v1/config/validate", {
      raw: '_format_version: "3.0"\nconsumers:\n  - username: "a\\0b"\n',
      headers: { "content-type": "application/yaml" },
    }),
    { "consumers[0].username": NUL },
  );
  assert.equal((await api("GET", "/api/v1/services/n")).status, 404);
});

test("NUL characters in query and path parameters: 400 naming the parameter", async () => {
  await seed();
  assertFieldErrors(await api("GET", "/api/v1/services?name=a%00b"), { name: NUL });
  assertFieldErrors(await api("GET", "/api/v1/services?q=%00"), { q: NUL });
  assertFieldErrors(await api("GET", "/api/v1/consumers?tags=a%00"), { tags: NUL });
  assertFieldErrors(await api("GET", "/api/v1/services/a%00b"), { service: NUL });
  assertFieldErrors(await api("DELETE", "/api/v1/consumers/alice%00/acls/x"), { consumer: NUL });
  assertFieldErrors(
    await api("PUT", "/api/v1/services/svc%00", { body: { url: "http://127.0.0.1:9/" } }),
    { service: NUL },
  );
  assertFieldErrors(await api("GET", "/api/v1/config/versions/1%00"), { version: NUL });
});

const random = (length: number) => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
};

test("a 300,000-character jwt key, instance_name or acl group: 400 with the length limit", async () => {
  await seed();
  // random text: PostgreSQL would refuse it in a btree index (repeated text compresses and fits)
  const huge = random(300_000);
  assertFieldErrors(await api("POST", "/api/v1/consumers/alice/jwt", { body: { key: huge } }), {
    key: "must be at most 512 characters",
  });
  assertFieldErrors(
    await api("POST", "/api/v1/plugins", { body: { name: "cors", instance_name: huge } }),
    { instance_name: "must be at most 128 characters" },
  );
  assertFieldErrors(await api("POST", "/api/v1/consumers/alice/acls", { body: { group: huge } }), {
    group: "must be at most 256 characters",
  });
  assertFieldErrors(
    await api("PUT", `/api/v1/consumers/alice/acls/${random(3000)}`, { body: {} }),
    {
      group: "must be at most 256 characters",
    },
  );
  assertFieldErrors(await api("POST", "/api/v1/consumers", { body: { custom_id: huge } }), {
    custom_id: "must be at most 256 characters",
  });
  assertFieldErrors(
    await api("POST", "/api/v1/consumers/alice/basic-auth", {
      body: { username: huge, password: "p" },
    }),
    { username: "must be at most 256 characters" },
  );
  // the declarative import applies the same shared schema
  assertFieldErrors(
    await api("POST", "/api/v1/config/import", {
      body: { _format_version: "3.0", consumers: [{ username: "b", acls: [{ group: huge }] }] },
    }),
    { "consumers[0].acls[0].group": "must be at most 256 characters" },
  );
  // at the limit it is stored
  const atLimit = await api("POST", "/api/v1/consumers/alice/jwt", {
    body: { key: random(512) },
  });
  assert.equal(atLimit.status, 201, atLimit.text);
});

test("a non-string jwt algorithm: 400 on the field, not a TypeError (startsWith)", async () => {
  await seed();
  for (const algorithm of [5, true, ["HS256"], { a: 1 }]) {
    const r = await api("POST", "/api/v1/consumers/alice/jwt", { body: { algorithm } });
    assertFieldErrors(r, { algorithm: /^must be one of "HS256"/ });
  }
  const jwt = await api("POST", "/api/v1/consumers/alice/jwt", { body: { key: "iss-1" } });
  assert.equal(jwt.status, 201, jwt.text);
  const patched = await api("PATCH", "/api/v1/consumers/alice/jwt/iss-1", {
    body: { algorithm: 256 },
  });
  assertFieldErrors(patched, { algorithm: /^must be one of "HS256"/ });
});

test("malformed percent-encoding in a path: 400 JSON, not Next's text 500", async () => {
  await seed();
  for (const [method, path] of [
    ["GET", "/api/v1/tokens/%C0%AE%C0%AE"],
    ["DELETE", "/api/v1/tokens/%C0%AE%C0%AE"],
    ["GET", "/api/v1/services/%ZZ"],
    ["PATCH", "/api/v1/services/%ZZ"],
    ["GET", "/api/v1/consumers/alice/acls/%E0%A4%A"],
    ["GET", "/services/%ZZ"],
  ] as const) {
    const r = await api(method, path, method === "PATCH" ? { body: {} } : {});
    assert.equal(r.status, 400, `${method} ${path}: ${r.status} ${r.text}`);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(r.body.code, "bad_request");
    assert.equal(r.body.message, "the path is not valid percent-encoding (UTF-8)");
  }
  // valid encodings still reach the handlers
  assert.equal((await api("GET", "/api/v1/services/%73vc")).status, 200);
  assert.equal((await api("GET", "/api/v1/services/%E2%82%AC")).status, 404);
});

test("a malformed session cookie (gatehouse_session=ghs_%): 401 JSON", async () => {
  await seed();
  for (const cookie of ["gatehouse_session=ghs_%", "gatehouse_session=%E0%A4%A; x=1"]) {
    const r = await api("GET", "/api/v1/services", { token: null, headers: { cookie } });
    assert.equal(r.status, 401, r.text);
    assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(r.body.code, "unauthorized");
  }
});

test("a body nested 100,000 levels deep: 400 naming where, not a stack overflow (500)", async () => {
  await seed();
  const n = 100_000;
  const deepArray = `{"name":"deep","url":"http://127.0.0.1:9/","tags":${"[".repeat(n)}${"]".repeat(n)}}`;
  const r = await api("POST", "/api/v1/services", {
    raw: deepArray,
    headers: { "content-type": "application/json" },
  });
  assertFieldErrors(r, {
    [`tags${"[0]".repeat(63)}`]: "is nested too deeply (at most 64 levels of objects and arrays)",
  });
  const deepObject = `{"_format_version":"3.0","_info":${'{"a":'.repeat(n)}1${"}".repeat(n)}}`;
  const imported = await api("POST", "/api/v1/config/import", {
    raw: deepObject,
    headers: { "content-type": "application/json" },
  });
  assert.equal(imported.status, 400, imported.text);
  assert.match(imported.body.errors[0].message, /^is nested too deeply/);
  assert.equal((await api("GET", "/api/v1/services/deep")).status, 404);
});
