import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { doc, gateway, send, upstream } from "./helpers.js";

/** An upstream that counts its hits and answers JSON with the count (/status/N: that status). */
async function countingUpstream(
  t: TestContext,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  const seen: string[] = [];
  const url = await upstream(t, (req, res) => {
    seen.push(req.url ?? "");
    const status = req.url?.startsWith("/status/") ? Number(req.url.slice(8)) : 200;
    res.writeHead(status, headers);
    res.end(JSON.stringify({ hit: seen.length }));
  });
  return { url, seen };
}

function cacheDoc(url: string, config: Record<string, unknown>, routes = ["r1"]) {
  return doc([
    {
      name: "s",
      url,
      routes: routes.map((name) => ({
        id: `00000000-0000-4000-8000-00000000000${routes.indexOf(name) + 1}`,
        name,
        paths: [`/${name}`],
        plugins: [{ name: "proxy-cache", config: { strategy: "memory", ...config } }],
      })),
    },
  ]);
}

test("proxy-cache through a real gateway: Miss then Hit (the upstream is called once), Kong's X-Cache-Key, Age", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, cacheDoc(up.url, {}));
  const a = await send(`${gw.url}/r1/x`);
  assert.equal(a.status, 200);
  assert.equal(a.headers["x-cache-status"], "Miss");
  const key = createHash("sha256")
    .update("00000000-0000-4000-8000-000000000001|GET|GET /r1/x HTTP/1.1||")
    .digest("hex");
  assert.equal(a.headers["x-cache-key"], key);
  const b = await send(`${gw.url}/r1/x`);
  assert.equal(b.headers["x-cache-status"], "Hit");
  assert.equal(b.headers["x-cache-key"], key);
  assert.equal(b.headers.age, "0");
  assert.equal(b.text, a.text);
  assert.equal(Number(b.headers["content-length"]), Buffer.byteLength(b.text));
  assert.deepEqual(up.seen, ["/x"]);
  // another query string is another entry; the same arguments in another order are not
  assert.equal((await send(`${gw.url}/r1/x?b=2&a=1`)).headers["x-cache-status"], "Miss");
  assert.equal((await send(`${gw.url}/r1/x?a=1&b=2`)).headers["x-cache-status"], "Hit");
  assert.equal(up.seen.length, 2);
});

test("proxy-cache: POST and uncacheable statuses are Bypass and always reach the upstream", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, cacheDoc(up.url, {}));
  for (let i = 0; i < 2; i++) {
    const p = await send(`${gw.url}/r1/p`, { method: "POST", body: "{}" });
    assert.equal(p.headers["x-cache-status"], "Bypass");
    const s = await send(`${gw.url}/r1/status/500`);
    assert.equal(s.status, 500);
    assert.equal(s.headers["x-cache-status"], "Bypass");
  }
  assert.equal(up.seen.length, 4);
});

test("proxy-cache: two routes never share entries", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, cacheDoc(up.url, {}, ["r1", "r2"]));
  const a = await send(`${gw.url}/r1/same`);
  const b = await send(`${gw.url}/r2/same`);
  assert.equal(a.headers["x-cache-status"], "Miss");
  assert.equal(b.headers["x-cache-status"], "Miss");
  assert.notEqual(a.headers["x-cache-key"], b.headers["x-cache-key"]);
});

test("proxy-cache: an entry older than cache_ttl is refreshed from the upstream", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, cacheDoc(up.url, { cache_ttl: 1, storage_ttl: 60 }));
  assert.equal((await send(`${gw.url}/r1/t`)).headers["x-cache-status"], "Miss");
  assert.equal((await send(`${gw.url}/r1/t`)).headers["x-cache-status"], "Hit");
  const deadline = Date.now() + 10_000;
  let status: string | string[] | undefined;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    status = (await send(`${gw.url}/r1/t`)).headers["x-cache-status"];
    if (status !== "Hit") break;
  }
  assert.equal(status, "Refresh");
  const after = await send(`${gw.url}/r1/t`);
  assert.equal(after.headers["x-cache-status"], "Hit");
  assert.deepEqual(after.json(), { hit: 2 });
});

test("proxy-cache with cache_control: the upstream's max-age decides; no-cache requests bypass, min-fresh refreshes", async (t) => {
  const up = await countingUpstream(t, {
    "content-type": "application/json",
    "cache-control": "public, max-age=60",
  });
  const gw = await gateway(t, cacheDoc(up.url, { cache_control: true }));
  assert.equal((await send(`${gw.url}/r1/c`)).headers["x-cache-status"], "Miss");
  assert.equal((await send(`${gw.url}/r1/c`)).headers["x-cache-status"], "Hit");
  const nc = await send(`${gw.url}/r1/c`, { headers: { "cache-control": "no-cache" } });
  assert.equal(nc.headers["x-cache-status"], "Bypass");
  // the entry has 60 s of freshness left, the client wants at least 120
  const stale = await send(`${gw.url}/r1/c`, { headers: { "cache-control": "min-fresh=120" } });
  assert.equal(stale.headers["x-cache-status"], "Refresh");
  assert.equal(up.seen.length, 3);
});

test("proxy-cache memory strategy: the control endpoint shows and purges this data plane's entries (what the admin's DELETE /proxy-cache calls on every data plane)", async (t) => {
  const up = await countingUpstream(t);
  const gw = await gateway(t, cacheDoc(up.url, {}, ["r1", "r2"]));
  const auth = { authorization: `Bearer ${gw.token}` };
  const key1 = (await send(`${gw.url}/r1/a`)).headers["x-cache-key"] as string;
  const key2 = (await send(`${gw.url}/r2/a`)).headers["x-cache-key"] as string;
  assert.equal((await send(`${gw.url}/r1/a`)).headers["x-cache-status"], "Hit");

  const got = await send(`${gw.controlUrl}/v1/plugins/proxy-cache/caches/${key1}`, {
    headers: auth,
  });
  assert.equal(got.status, 200);
  const entry = got.json() as Record<string, unknown>;
  assert.equal(entry.strategy, "memory");
  assert.equal(entry.body, JSON.stringify({ hit: 1 }));
  assert.equal(entry.ttl, 300);
  // a plugin id the running config does not have: 404
  const p1 = gw.gateway.state.current?.config.plugins[0]?.id ?? "";
  const unknown = "00000000-0000-4000-8000-00000000dead";
  assert.equal(
    (
      await send(`${gw.controlUrl}/v1/plugins/proxy-cache/${unknown}/caches/${key1}`, {
        headers: auth,
      })
    ).status,
    404,
  );
  const del = await send(`${gw.controlUrl}/v1/plugins/proxy-cache/${p1}/caches/${key1}`, {
    method: "DELETE",
    headers: auth,
  });
  assert.equal(del.status, 204);
  assert.equal((await send(`${gw.url}/r1/a`)).headers["x-cache-status"], "Miss");
  assert.equal((await send(`${gw.url}/r2/a`)).headers["x-cache-status"], "Hit");

  // DELETE /caches flushes every instance; without the cluster token: 401
  const noToken = await send(`${gw.controlUrl}/v1/plugins/proxy-cache/caches`, {
    method: "DELETE",
  });
  assert.equal(noToken.status, 401);
  const flush = await send(`${gw.controlUrl}/v1/plugins/proxy-cache/caches`, {
    method: "DELETE",
    headers: auth,
  });
  assert.equal(flush.status, 204);
  assert.equal(
    (await send(`${gw.controlUrl}/v1/plugins/proxy-cache/caches/${key2}`, { headers: auth }))
      .status,
    404,
  );
  assert.equal((await send(`${gw.url}/r2/a`)).headers["x-cache-status"], "Miss");
});
