import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, test } from "node:test";
import type { Admin } from "./helpers/admin.js";
import { client, startAdmin } from "./helpers/admin.js";

let admin: Admin;
let api: ReturnType<typeof client>;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
});
after(async () => admin?.stop());

const versionCount = async () =>
  (await api("GET", "/api/v1/config/versions?size=1000")).body.data.length;

test("400 lists every error with its field path, and changes nothing", async () => {
  const versions = await versionCount();
  const response = await api("POST", "/api/v1/services", {
    body: { name: "bad name!", host: "example.com", port: 70000, read_timeout: -1, colour: "red" },
  });
  assert.equal(response.status, 400, response.text);
  assert.equal(response.body.code, "validation");
  const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
  assert.deepEqual(paths, ["colour", "name", "port", "read_timeout"]);
  const port = response.body.errors.find((e: { path: string }) => e.path === "port");
  assert.equal(port.message, "must be between 1 and 65535");
  assert.equal((await api("GET", "/api/v1/services")).body.data.length, 0);
  assert.equal(await versionCount(), versions);
});

test("routes are checked with the data plane's rules: matchers and regex paths", async () => {
  const response = await api("POST", "/api/v1/routes", {
    body: { name: "r1", paths: ["~/users/(\\d+"], methods: ["GET", "NOT A METHOD"] },
  });
  assert.equal(response.status, 400, response.text);
  const paths = response.body.errors.map((e: { path: string }) => e.path).sort();
  assert.deepEqual(paths, ["methods[1]", "paths[0]"]);
  assert.match(
    response.body.errors.find((e: { path: string }) => e.path === "paths[0]").message,
    /invalid regular expression/,
  );

  const noMatcher = await api("POST", "/api/v1/routes", { body: { name: "r2" } });
  assert.equal(noMatcher.status, 400);
  assert.deepEqual(noMatcher.body.errors, [
    { path: "", message: 'must set at least one of "methods", "hosts", "paths", "headers"' },
  ]);
});

test("plugin configs are validated against the catalog", async () => {
  const unknown = await api("POST", "/api/v1/plugins", { body: { name: "no-such-plugin" } });
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.errors[0].path, "name");

  const bad = await api("POST", "/api/v1/plugins", {
    body: { name: "request-termination", config: { status_code: 99, unknown_field: 1 } },
  });
  assert.equal(bad.status, 400, bad.text);
  const paths = bad.body.errors.map((e: { path: string }) => e.path);
  assert.ok(paths.includes("config.status_code"), bad.text);
});

test("404 for an unknown id or name, also under a nested path", async () => {
  assert.equal((await api("GET", "/api/v1/services/nope")).status, 404);
  assert.equal((await api("GET", "/api/v1/services/nope/routes")).status, 404);
  assert.equal(
    (await api("POST", "/api/v1/services/nope/routes", { body: { paths: ["/x"] } })).status,
    404,
  );
  const missing = await api("PATCH", "/api/v1/consumers/ghost", { body: { tags: [] } });
  assert.equal(missing.status, 404);
  assert.equal(missing.body.message, 'consumer "ghost" not found');
});

test("409 names the clashing field", async () => {
  assert.equal(
    (await api("POST", "/api/v1/consumers", { body: { username: "alice" } })).status,
    201,
  );
  const clash = await api("POST", "/api/v1/consumers", { body: { username: "alice" } });
  assert.equal(clash.status, 409, clash.text);
  assert.deepEqual(clash.body.errors, [{ path: "username", message: "already exists" }]);
});

test("409 on a stale update, by If-Match or by the body's version", async () => {
  const created = await api("POST", "/api/v1/services", {
    body: { name: "stale", url: "http://a.example" },
  });
  assert.equal(created.status, 201);
  const etag = created.headers.get("etag") as string;
  const first = await api("PATCH", "/api/v1/services/stale", {
    body: { retries: 1 },
    headers: { "if-match": etag },
  });
  assert.equal(first.status, 200, first.text);
  const second = await api("PATCH", "/api/v1/services/stale", {
    body: { retries: 2 },
    headers: { "if-match": etag },
  });
  assert.equal(second.status, 409);
  assert.equal(second.body.code, "stale");
  const byBody = await api("PATCH", "/api/v1/services/stale", { body: { retries: 3, version: 1 } });
  assert.equal(byBody.status, 409);
  const del = await api("DELETE", "/api/v1/services/stale", { headers: { "if-match": '"1"' } });
  assert.equal(del.status, 409);
  assert.equal((await api("GET", "/api/v1/services/stale")).body.retries, 1);
});

test("415 when a write is neither JSON nor a form", async () => {
  const response = await api("POST", "/api/v1/services", {
    raw: "name=x",
    headers: { "content-type": "text/plain" },
  });
  assert.equal(response.status, 415);
  assert.equal(response.body.code, "unsupported_media_type");
});

test("413 when Content-Length says more than 1 MiB", async () => {
  const response = await api("POST", "/api/v1/services", {
    raw: Buffer.alloc(1024 * 1024 + 10, 0x20),
    headers: { "content-type": "application/json" },
  });
  assert.equal(response.status, 413);
});

test("413 when a chunked body (no Content-Length) goes over 1 MiB", async () => {
  const status = await new Promise<number>((resolve, reject) => {
    const url = new URL("/api/v1/services", admin.url);
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${admin.bootstrapToken}`,
          "transfer-encoding": "chunked",
        },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const write = () => {
      while (sent < 20) {
        sent++;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
  assert.equal(status, 413);
});

test("malformed JSON is a 400, never a 500", async () => {
  const response = await api("POST", "/api/v1/services", {
    raw: '{"name": ',
    headers: { "content-type": "application/json" },
  });
  assert.equal(response.status, 400);
  assert.equal(response.body.code, "bad_request");
  assert.doesNotMatch(response.text, /at \w+ \(/);
});
