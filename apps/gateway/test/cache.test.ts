import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { hashConfig } from "@gatehouse/config";
import { CACHE_FILE, readCache } from "../src/config/cache.js";
import { control, doc, echoUpstream, gateway, send } from "./helpers.js";

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "gh-cache-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("an applied push is written to the cache dir with a checksum, no temp file left", async (t) => {
  const dir = await tempDir(t);
  const gw = await gateway(t, undefined, { cacheDir: dir });
  const config = doc([], { routes: [{ name: "r", paths: ["/x"] }] });
  assert.equal((await control(gw, "PUT", "/v1/config", { version: 7, config })).status, 200);
  assert.deepEqual(await readdir(dir), [CACHE_FILE]);
  const file = JSON.parse(await readFile(join(dir, CACHE_FILE), "utf8")) as {
    checksum: string;
    snapshot: { version: number; hash: string };
  };
  assert.match(file.checksum, /^[0-9a-f]{64}$/);
  assert.equal(file.snapshot.version, 7);
  assert.equal(file.snapshot.hash, hashConfig(config));
});

test("a restarted gateway with no --config comes back with the cached snapshot", async (t) => {
  const dir = await tempDir(t);
  const up = await echoUpstream(t);
  const first = await gateway(t, undefined, { cacheDir: dir });
  const config = doc([{ name: "echo", url: up, routes: [{ paths: ["/cached"] }] }]);
  assert.equal((await control(first, "PUT", "/v1/config", { version: 9, config })).status, 200);
  await first.close();

  const second = await gateway(t, undefined, { cacheDir: dir });
  const initial = await second.gateway.loadInitial({});
  assert.equal(initial.source, "cache");
  assert.equal((await send(`${second.url}/cached`)).status, 200);
  const status = (await control(second, "GET", "/v1/status")).json() as {
    version: number;
    source: string;
  };
  assert.equal(status.version, 9);
  assert.equal(status.source, "cache");
});

test("a corrupt cache file is refused and reported, never half-loaded", async (t) => {
  const dir = await tempDir(t);
  const first = await gateway(t, undefined, { cacheDir: dir });
  assert.equal(
    (
      await control(first, "PUT", "/v1/config", {
        version: 2,
        config: doc([], { routes: [{ paths: ["/x"] }] }),
      })
    ).status,
    200,
  );
  await first.close();
  const path = join(dir, CACHE_FILE);
  const text = await readFile(path, "utf8");
  await writeFile(path, text.replace('"/x"', '"/y"')); // valid JSON, tampered content
  assert.deepEqual(await readCache(dir), { kind: "corrupt", reason: "checksum mismatch" });
  await writeFile(path, text.slice(0, text.length / 2)); // truncated
  const second = await gateway(t, undefined, { cacheDir: dir });
  assert.equal((await second.gateway.loadInitial({})).source, "none");
  assert.equal((await control(second, "GET", "/v1/ready")).status, 503);
  const status = (await control(second, "GET", "/v1/status")).json() as {
    cache: { state: string; reason: string };
  };
  assert.equal(status.cache.state, "corrupt");
  assert.match(status.cache.reason, /not valid JSON/);
});
