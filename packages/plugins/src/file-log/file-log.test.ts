import assert from "node:assert/strict";
import { mkdir, rename } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import type { RunOptions } from "@gatehouse/plugin-kit/testing";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { fileLogWriter } from "./handler.js";
import { fileLog } from "../index.js";
import { jsonLines, tempDir, uri } from "../testing.js";

const errors = (raw: unknown) => {
  const r = validatePluginConfig(fileLog, raw);
  return r.ok ? [] : r.errors;
};
const request = (path: string): RunOptions => ({
  request: { path, headers: { authorization: "Bearer secret", "x-a": "1" }, clientIp: "10.0.0.7" },
  route: { id: "r1", name: "orders", paths: ["/api"] },
  service: { id: "s1", name: "svc", host: "up", port: 80, protocol: "http" },
  upstream: { status: 201, headers: { "content-length": "2" }, body: "ok" },
  logInfo: { status: 201, total_ms: 12.4, upstream_ms: 10.1 },
});
/** Runs a request through file-log and waits until its entry is on disk (or dropped). */
async function logged(conf: { path: string; reopen?: boolean }, path: string) {
  const r = await runPlugin(fileLog, conf, request(path));
  await fileLogWriter(conf.path)?.idle();
  return r;
}

test("defaults: reopen false; an absolute path is accepted", () => {
  const r = validatePluginConfig(fileLog, { path: "/var/log/gatehouse/access.log" });
  assert.ok(r.ok);
  assert.deepEqual(r.config, { path: "/var/log/gatehouse/access.log", reopen: false });
});

test("paths Kong's schema accepts are accepted (its rule: no *, &, %, backslash or backtick)", () => {
  for (const path of ["/var/log/", "/a b.log", "/a\tb.log", "logs/été.log", "/a\nb.log", "./x.log"])
    assert.deepEqual(errors({ path }), [], JSON.stringify(path));
});

test("rejections name the field and the reason", () => {
  const ok = { path: "/tmp/x.log" };
  assert.deepEqual(errors({}), [{ path: "config.path", message: "required field missing" }]);
  for (const bad of ["/ovo*", "/a&b.log", "/a%b.log", "/a`b`.log", "/a\\b.log", "/a\0.log", ""])
    assert.deepEqual(
      errors({ path: bad }),
      [{ path: "config.path", message: "not a valid filename" }],
      bad,
    );
  // a relative path is valid: the data plane takes it inside its --file-log-dir (file-log-dirs tests)
  assert.deepEqual(errors({ path: "logs/access.log" }), []);
  assert.deepEqual(errors({ path: 5 }), [
    { path: "config.path", message: "required field missing" },
  ]);
  assert.deepEqual(errors({ ...ok, reopen: "yes" }), [
    { path: "config.reopen", message: "expected a boolean" },
  ]);
  assert.deepEqual(errors({ ...ok, custom_fields_by_lua: { a: "return 1" } }), [
    { path: "config.custom_fields_by_lua", message: "not supported in Gatehouse (no Lua runtime)" },
  ]);
  assert.deepEqual(errors({ ...ok, colour: 1 }), [
    { path: "config.colour", message: "unknown field" },
  ]);
});

test("one JSON line per request in Kong's shape; Authorization redacted; the response is untouched", async (t) => {
  t.after(() => fileLog.dispose?.());
  const file = join(await tempDir(t), "access.log");
  const a = await logged({ path: file }, "/api/orders");
  await logged({ path: file }, "/api/users");
  assert.equal(a.response.status, 201);
  assert.equal(a.response.text, "ok");
  const [e, f] = await jsonLines(file);
  assert.equal(uri(f ?? {}), "/api/users");
  const req = e?.request as { method: string; uri: string; headers: Record<string, string> };
  assert.equal(req.method, "GET");
  assert.equal(req.uri, "/api/orders");
  assert.equal(req.headers.authorization, "REDACTED");
  assert.equal(req.headers["x-a"], "1");
  assert.equal((e?.response as { status: number }).status, 201);
  assert.deepEqual(e?.route, { id: "r1", name: "orders", paths: ["/api"] });
  assert.deepEqual(e?.latencies, { request: 12, proxy: 10, kong: 2 });
  assert.equal(e?.client_ip, "10.0.0.7");
  assert.equal(e?.source, "service");
});

test("reopen: true — after the file is renamed (logrotate), the next entry creates a new file", async (t) => {
  t.after(() => fileLog.dispose?.());
  const dir = await tempDir(t);
  const file = join(dir, "access.log");
  await logged({ path: file, reopen: true }, "/before");
  await rename(file, join(dir, "access.log.1"));
  await logged({ path: file, reopen: true }, "/after");
  assert.deepEqual((await jsonLines(join(dir, "access.log.1"))).map(uri), ["/before"]);
  assert.deepEqual((await jsonLines(file)).map(uri), ["/after"]);
});

test("reopen: false — the file stays open: after a rename, entries follow the renamed file", async (t) => {
  t.after(() => fileLog.dispose?.());
  const dir = await tempDir(t);
  const file = join(dir, "access.log");
  await logged({ path: file }, "/before");
  await rename(file, join(dir, "access.log.1"));
  await logged({ path: file }, "/after");
  assert.deepEqual((await jsonLines(join(dir, "access.log.1"))).map(uri), ["/before", "/after"]);
  assert.deepEqual(await jsonLines(file), []);
});

test("missing directory: a clear error is logged, the request is unaffected, a later entry succeeds", async (t) => {
  t.after(() => fileLog.dispose?.());
  const dir = await tempDir(t);
  const file = join(dir, "nope", "access.log");
  const r = await logged({ path: file }, "/x");
  assert.equal(r.response.status, 201);
  assert.deepEqual(
    r.logs.filter((l) => l.level === "error").map((l) => l.msg),
    [
      `file-log: cannot write to ${file}: directory ${join(dir, "nope")} does not exist (ENOENT); dropped 1 entries`,
    ],
  );
  assert.equal(fileLogWriter(file)?.failed, 1);
  await mkdir(join(dir, "nope"));
  await logged({ path: file }, "/y");
  assert.deepEqual((await jsonLines(file)).map(uri), ["/y"]);
});

test("retain() closes files no config names any more; dispose() writes what is waiting", async (t) => {
  t.after(() => fileLog.dispose?.());
  const dir = await tempDir(t);
  const a = join(dir, "a.log");
  const b = join(dir, "b.log");
  await logged({ path: a }, "/a");
  await logged({ path: b }, "/b");
  await fileLog.retain?.([{ path: b, reopen: false }]);
  assert.equal(fileLogWriter(a), undefined);
  assert.ok(fileLogWriter(b));
  // entries still waiting are written before the file is closed
  for (const p of ["/1", "/2", "/3"]) await runPlugin(fileLog, { path: b }, request(p));
  await fileLog.dispose?.();
  assert.equal(fileLogWriter(b), undefined);
  assert.deepEqual((await jsonLines(b)).map(uri), ["/b", "/1", "/2", "/3"]);
  assert.deepEqual((await jsonLines(a)).map(uri), ["/a"]);
});
