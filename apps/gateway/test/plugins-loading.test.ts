import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { loadPlugins } from "../src/config/plugin-loader.js";
import { echoUpstream } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gh-plugins-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const fake = (name: string, priority: number) =>
  `export default { name: ${JSON.stringify(name)}, version: "0.0.1", priority: ${priority}, phases: {}, configSchema: { safeParse() {} }, meta: {} };\n`;

test("loadPlugins: a package name adds it to the built-ins; bundled/-name/names like Kong", async () => {
  const all = await loadPlugins("gatehouse-plugin-hello", { cwd: ROOT });
  const hello = all.find((p) => p.def.name === "hello");
  assert.equal(hello?.source, "gatehouse-plugin-hello");
  assert.ok(all.some((p) => p.def.name === "key-auth" && p.source === "builtin"));
  const two = await loadPlugins("key-auth,gatehouse-plugin-hello", { cwd: ROOT });
  assert.deepEqual(two.map((p) => p.def.name).sort(), ["hello", "key-auth"]);
  const minus = await loadPlugins("bundled,-mock", { cwd: ROOT });
  assert.equal(
    minus.some((p) => p.def.name === "mock"),
    false,
  );
});

test("loadPlugins: clear errors naming the package", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "dup-prio.mjs"), fake("other", 1250));
  await writeFile(join(dir, "dup-name.mjs"), fake("cors", 123456));
  await writeFile(join(dir, "none.mjs"), "export const x = 1;\n");
  const p = join(dir, "dup-prio.mjs");
  await assert.rejects(loadPlugins(p), {
    message: `GATEHOUSE_PLUGINS: plugin "other" of ${p} has priority 1250, already used by "key-auth" (builtin); priorities are unique`,
  });
  const n = join(dir, "dup-name.mjs");
  await assert.rejects(loadPlugins(n), {
    message: `GATEHOUSE_PLUGINS: plugin "cors" of ${n} has the same name as the one of builtin`,
  });
  await assert.rejects(loadPlugins(join(dir, "none.mjs")), /exports no plugin/);
  await assert.rejects(
    loadPlugins("no-such-gatehouse-plugin", { cwd: ROOT }),
    /^Error: GATEHOUSE_PLUGINS: cannot find no-such-gatehouse-plugin/,
  );
});

test("the CLI loads GATEHOUSE_PLUGINS, reports it in /v1/status, refuses configs with unknown plugins", async (t) => {
  const dir = await tempDir(t);
  const up = await echoUpstream(t);
  const file = join(dir, "gatehouse.json");
  const config = (plugin: string) => ({
    _format_version: "3.0",
    services: [{ name: "s", url: up, routes: [{ name: "r", paths: ["/"] }] }],
    plugins: [{ name: plugin, config: { greeting: "Bonjour" } }],
  });
  await writeFile(file, JSON.stringify(config("hello")));
  const child = spawn(
    process.execPath,
    [
      MAIN,
      "--config",
      file,
      "--listen",
      "127.0.0.1:0",
      "--listen-tls",
      "127.0.0.1:0",
      "--control",
      "127.0.0.1:0",
      "--cache-dir",
      dir,
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        GATEHOUSE_CLUSTER_TOKEN: "plugins-token-0123456789",
        GATEHOUSE_PLUGINS: "gatehouse-plugin-hello",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  t.after(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const urls = await new Promise<{ proxy: string; control: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start:\n${out}\n${err}`)), 60_000);
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const line = out.split("\n").find((l) => l.includes("gateway started"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { proxy: string; control: string });
      }
    });
  });
  const r = await fetch(`${urls.proxy}/x`);
  assert.equal(r.headers.get("x-hello"), "Bonjour, world");
  const auth = { authorization: "Bearer plugins-token-0123456789" };
  const status = (await (await fetch(`${urls.control}/v1/status`, { headers: auth })).json()) as {
    plugins: { name: string; version: string; source: string }[];
  };
  assert.deepEqual(
    status.plugins.find((p) => p.name === "hello"),
    { name: "hello", version: "1.0.0", source: "gatehouse-plugin-hello" },
  );
  const put = await fetch(`${urls.control}/v1/config`, {
    method: "PUT",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ version: 2, config: config("not-installed") }),
  });
  assert.equal(put.status, 400);
  const body = (await put.json()) as { errors: { path: string; message: string }[] };
  assert.ok(
    body.errors.some((e) => e.path === "plugins[0].name" && /not-installed/.test(e.message)),
    JSON.stringify(body),
  );
});
