// Bounded fuzz of every write operation of the OpenAPI document (issue 9, item 10): hostile bodies,
// path and query parameters (NUL, huge and lone-surrogate strings, wrong types, nested garbage,
// malformed JSON and percent-encoding) against a real admin on a real database. Any 5xx fails.
// Reproduce a run with GATEHOUSE_FUZZ_SEED=<the seed printed on failure>.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import fc from "fast-check";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

/** Requests per operation (about 70 operations: a few hundred requests in all). */
const RUNS_PER_OPERATION = 6;
/** The fuzz stops sending new requests after this long (the test still fails on what it saw). */
const TIME_BUDGET_MS = 120_000;
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? Date.now() % 2 ** 31);

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
interface OpenApi {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, Schema> };
}
interface OperationObject {
  "x-required-role"?: string;
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

// ---------- hostile values ----------

const NASTY_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff\ud800",
  "********",
  "%ZZ",
  "%C0%AE%C0%AE",
  "../../etc/passwd",
  "~(a+)+$",
  "~[",
  "/\u0000/",
  "\r\nx-injected: 1",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "${jndi:ldap://x}",
  "__proto__",
  "constructor",
  "🦄".repeat(300),
  " ",
  "",
  "null",
  "-1",
  "1e309",
  "HS256",
  "http://[::1]:0/",
  "http://x:99999/",
  "*.*",
];

const randomText = (length: number) => randomBytes(Math.ceil(length / 2)).toString("hex");

/** Strings: short random ones with NULs or odd code points, known-bad ones, huge ones. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }))
      .map(([a, b]) => `${a}\u0000${b}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(300, 3_000, 300_000).map((n) => randomText(n)),
  },
);

const hostileNumber = fc.oneof(
  fc.constantFrom(-1, 0, 0.5, 1e308, -1e308, 2 ** 53 + 1, 65536, 2_147_483_648, -0),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
);

/** Nested garbage: arrays and objects of anything (odd keys included), a few levels deep. */
const garbage: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.string({ maxLength: 8 })), tie("value"), {
      maxKeys: 4,
    }),
  ),
})).value;

/**
 * Deeply nested arrays/objects (stack depth attacks on every recursive walker). Too deep for
 * JSON.stringify: a placeholder string that `toJson` replaces with the nested text.
 */
const deep = fc
  .tuple(fc.integer({ min: 1_000, max: 50_000 }), fc.boolean())
  .map(([depth, arrays]) => `\u0001deep:${depth}:${arrays ? "a" : "o"}\u0001`);

function toJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /"\\u0001deep:(\d+):([ao])\\u0001"/g,
    (_, depth: string, kind: string) => {
      const n = Number(depth);
      return kind === "a"
        ? `${"[".repeat(n)}"x"${"]".repeat(n)}`
        : `${'{"a":'.repeat(n)}"x"${"}".repeat(n)}`;
    },
  );
}

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: garbage },
  { weight: 1, arbitrary: deep },
);

// ---------- schema-shaped bodies ----------

function resolve(doc: OpenApi, schema: Schema | undefined, seen = 0): Schema | undefined {
  if (!schema || seen > 5) return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    return resolve(doc, doc.components.schemas[name], seen + 1);
  }
  return schema;
}

/** Property names of a schema (through $ref and anyOf/oneOf/allOf branches). */
function propertiesOf(doc: OpenApi, schema: Schema | undefined, depth = 0): Map<string, Schema> {
  const out = new Map<string, Schema>();
  const s = resolve(doc, schema);
  if (!s || depth > 3) return out;
  for (const [k, v] of Object.entries(s.properties ?? {})) out.set(k, v);
  for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) {
    for (const [k, v] of propertiesOf(doc, branch, depth + 1)) out.set(k, v);
  }
  return out;
}

/** An object with the schema's own field names (so validation goes deep) holding hostile values. */
function shapedObject(doc: OpenApi, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const props = [...propertiesOf(doc, schema)];
  if (props.length === 0 || depth > 2) return fc.dictionary(fc.string({ maxLength: 8 }), garbage);
  const fields = props.map(([name, child]) => {
    const nested = propertiesOf(doc, child).size > 0;
    const value = nested
      ? fc.oneof(hostileValue, shapedObject(doc, child, depth + 1))
      : resolve(doc, child)?.type === "array"
        ? fc.oneof(hostileValue, fc.array(hostileValue, { maxLength: 3 }))
        : hostileValue;
    return [name, value] as const;
  });
  return fc
    .tuple(
      fc.subarray(fields, { minLength: 1 }),
      fc.array(
        fc.tuple(hostileString, fields[0]?.[1] ?? hostileValue),
        { maxLength: 1 }, // sometimes an unknown (hostile) key
      ),
    )
    .chain(([chosen, extra]) =>
      fc.tuple(...chosen.map(([, arb]) => arb)).map((values) => {
        const body: Record<string, unknown> = {};
        chosen.forEach(([name], i) => (body[name] = values[i]));
        for (const [key] of extra) body[key] = null;
        return body;
      }),
    );
}

interface RawBody {
  text: string | Buffer;
  contentType: string;
}

/** A request body: schema-shaped, any JSON, or not JSON at all. */
function bodyFor(doc: OpenApi, operation: OperationObject): fc.Arbitrary<RawBody | undefined> {
  const schema = operation.requestBody?.content["application/json"]?.schema;
  const json = (v: unknown): RawBody => ({
    text: toJson(v),
    contentType: "application/json",
  });
  return fc.oneof(
    { weight: 6, arbitrary: shapedObject(doc, schema).map(json) },
    { weight: 2, arbitrary: fc.jsonValue().map(json) },
    { weight: 1, arbitrary: deep.map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<RawBody>(
        { text: '{"name": "x"', contentType: "application/json" },
        { text: '{"a": 1, "a": 2, "__proto__": {"x": 1}}', contentType: "application/json" },
        {
          text: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
          contentType: "application/json",
        },
        { text: "[".repeat(200_000), contentType: "application/json" },
        { text: "a: &a [*a]\n", contentType: "application/yaml" },
        { text: "a: !!binary AAAA\nb: !!js/function x\n", contentType: "application/yaml" },
        { text: `x: ${"[".repeat(5_000)}`, contentType: "application/yaml" },
        { text: "name=x", contentType: "application/x-www-form-urlencoded" },
        { text: "\u0000", contentType: "application/json; charset=utf-16" },
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

// ---------- parameters ----------

/** A path segment: a real entity (the handler goes deep), hostile text, or broken encoding. */
function pathValue(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(encodeURIComponent(valid)) },
    {
      weight: 4,
      arbitrary: hostileString.map((s) =>
        encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "\u0000")).slice(0, 6_000),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "%ZZ",
        "%C0%AE%C0%AE",
        "%E0%A4%A",
        "%",
        "%00",
        "%ED%A0%80",
        "..",
        "%2e%2e",
      ),
    },
  );
}

const queryValue = fc.oneof(
  hostileString.map((s) => s.slice(0, 2_000)),
  fc.constantFrom("true", "1", "yes", "sync", "tags", "json", "%ZZ"),
);

/** Valid keys for each path parameter name, created before the fuzz. */
const VALID_PARAMS: Record<string, string> = {
  service: "fz-svc",
  route: "fz-route",
  plugin: "",
  consumer: "fz-consumer",
  credential: "fz-cred",
  acl: "fz-group",
  target: "",
  version: "1",
  token: "",
  user: "fz-user",
};

// ---------- the run ----------

let admin: Admin | undefined;
test.after(async () => admin?.stop());

test("bounded fuzz of every OpenAPI write operation: no 5xx, every error is JSON", async () => {
  admin = await startAdmin({ GATEHOUSE_DEBUG_TOKEN: `debug-${randomBytes(8).toString("hex")}` });
  const api = client(admin);
  const seeds: [string, string, unknown][] = [
    ["POST", "/api/v1/services", { name: "fz-svc", url: "http://127.0.0.1:9/" }],
    ["POST", "/api/v1/services/fz-svc/routes", { name: "fz-route", paths: ["/fz"] }],
    ["POST", "/api/v1/services/fz-svc/targets", { target: "127.0.0.1:9" }],
    ["POST", "/api/v1/consumers", { username: "fz-consumer" }],
    ["POST", "/api/v1/consumers/fz-consumer/basic-auth", { username: "fz-cred", password: "p" }],
    ["POST", "/api/v1/consumers/fz-consumer/acls", { group: "fz-group" }],
    ["POST", "/api/v1/plugins", { name: "cors" }],
    ["POST", "/api/v1/users", { username: "fz-user", password: "fz-password-123", role: "viewer" }],
    ["POST", "/api/v1/tokens", { name: "fz-token", role: "viewer" }],
  ];
  for (const [method, path, body] of seeds) {
    const r = await api(method, path, { body });
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    if (path === "/api/v1/plugins") VALID_PARAMS.plugin = r.body.id;
    if (path.endsWith("/targets")) VALID_PARAMS.target = r.body.id;
    if (path === "/api/v1/tokens") VALID_PARAMS.token = r.body.id;
  }

  const doc = (await api("GET", "/api/v1/openapi.json")).body as OpenApi;
  const operations: { method: string; path: string; op: OperationObject }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (["post", "put", "patch", "delete"].includes(method)) {
        operations.push({ method: method.toUpperCase(), path, op });
      }
    }
  }
  assert.ok(
    operations.length >= 50,
    `the OpenAPI document lists the writes (${operations.length})`,
  );
  // deletes last: the seeded entities stay for the other operations to reach their deep checks
  operations.sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));

  const started = Date.now();
  const failures: string[] = [];
  let sent = 0;
  let skipped = 0;
  for (const [n, { method, path, op }] of operations.entries()) {
    const params = (op.parameters ?? []).filter((p) => p.in === "path").map((p) => p.name);
    const queries = (op.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
    const request = fc.record({
      path: fc.tuple(...params.map((p) => pathValue(VALID_PARAMS[p] ?? "x"))),
      query: fc.array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(...queries, "x"),
            hostileString.map((s) => s.slice(0, 50)),
          ),
          queryValue,
        ),
        { maxLength: 3 },
      ),
      body: bodyFor(doc, op),
      ifMatch: fc.option(fc.constantFrom('"1"', 'W/"x"', "*", "\u00ff", '"99999999999999999999"')),
    });
    const token =
      op["x-required-role"] === "cluster"
        ? admin.clusterToken
        : op["x-required-role"] === "public"
          ? null
          : admin.bootstrapToken;
    for (const sample of fc.sample(request, { numRuns: RUNS_PER_OPERATION, seed: SEED + n })) {
      if (Date.now() - started > TIME_BUDGET_MS) {
        skipped++;
        continue;
      }
      let url = path;
      params.forEach((name, i) => (url = url.replace(`{${name}}`, sample.path[i] ?? "")));
      const search = sample.query
        .map(
          ([k, v]) =>
            `${encodeURIComponent(k.replace(/[\ud800-\udfff]/g, ""))}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ""))}`,
        )
        .join("&");
      if (search) url += `?${search}`;
      const headers: Record<string, string> = {};
      if (sample.body) headers["content-type"] = sample.body.contentType;
      if (sample.ifMatch) headers["if-match"] = sample.ifMatch;
      sent++;
      const r = await api(method, url, {
        token,
        headers,
        ...(sample.body ? { raw: sample.body.text } : {}),
      });
      const type = r.headers.get("content-type") ?? "";
      // a 3xx is Next normalizing the path (`/a/..`, a trailing slash): no body to check
      const json = type.startsWith("application/json");
      if (
        r.status >= 500 ||
        (r.status >= 400 && !json) ||
        (r.status < 300 && r.status !== 204 && !json)
      ) {
        const body = sample.body ? String(sample.body.text).slice(0, 300) : "(none)";
        failures.push(
          `${method} ${url.slice(0, 300)} → ${r.status} ${type} ${r.text.slice(0, 200)}\n    body: ${body}`,
        );
      }
    }
  }
  const tail = admin
    .output()
    .split("\n")
    .filter((l) => /unexpected error/.test(l))
    .slice(0, 10);
  assert.deepEqual(
    failures,
    [],
    `GATEHOUSE_FUZZ_SEED=${SEED}: ${failures.length} of ${sent} requests failed\n${failures.slice(0, 20).join("\n")}\n${tail.join("\n")}`,
  );
  assert.ok(sent >= 200 || skipped > 0, `a few hundred requests were sent (${sent})`);
  console.log(
    `fuzz: ${sent} requests over ${operations.length} operations, seed ${SEED}, ${Date.now() - started} ms`,
  );
});
