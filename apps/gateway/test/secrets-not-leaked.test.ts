import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import pino from "pino";
import { redactQuery } from "@gatehouse/plugin-kit";
import { credentialQueryNames } from "../src/config/credential-names.js";
import { doc, echoUpstream, gateway, send } from "./helpers.js";

interface Echoed {
  headers: Record<string, string>;
}

test("X-Gatehouse-Debug is never forwarded: an echo upstream cannot read the debug token back (fast and plugin paths)", async (t) => {
  const up = await echoUpstream(t);
  const config = doc([
    {
      name: "e",
      url: up,
      routes: [
        { name: "fast", paths: ["/fast"] },
        { name: "plugged", paths: ["/plug"], plugins: [{ name: "correlation-id" }] },
      ],
    },
  ]);
  const traced = await gateway(t, config, { debugToken: "dbg-secret" });
  const untraced = await gateway(t, config);
  for (const [gw, token, tracing] of [
    [traced, "dbg-secret", true],
    [traced, "a-wrong-guess", false],
    [untraced, "dbg-secret", false],
  ] as const) {
    for (const path of ["/fast", "/plug"]) {
      const r = await send(`${gw.url}${path}`, { headers: { "X-Gatehouse-Debug": token } });
      assert.equal(r.status, 200, path);
      const seen = (r.json() as Echoed).headers;
      assert.equal(seen["x-gatehouse-debug"], undefined, `${path} forwarded the debug header`);
      assert.ok(!JSON.stringify(seen).includes(token), `${path} leaked the token`);
      assert.equal(r.headers["x-gatehouse-trace"] !== undefined, tracing, path);
    }
  }
});

test("key-auth key names in the query string are REDACTED in the access log, on every route", async (t) => {
  const up = await echoUpstream(t);
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const l of chunk.toString().split("\n")) {
          if (!l) continue;
          raw.push(l);
          lines.push(JSON.parse(l) as Record<string, unknown>);
        }
        cb();
      },
    }),
  );
  const gw = await gateway(
    t,
    doc(
      [
        {
          name: "s",
          url: up,
          routes: [
            {
              name: "keyed",
              paths: ["/k"],
              plugins: [{ name: "key-auth", config: { key_names: ["apikey", "X-Api-Token"] } }],
            },
            { name: "open", paths: ["/open"] },
          ],
        },
      ],
      { consumers: [{ username: "alice", keyauth_credentials: [{ key: "alice-s3cret" }] }] },
    ),
    { logger },
  );
  assert.equal((await send(`${gw.url}/k?apikey=alice-s3cret&page=2`)).status, 200);
  assert.equal((await send(`${gw.url}/k?X-Api-Token=alice-s3cret`)).status, 200);
  await send(`${gw.url}/k?api%6Bey=alice-s3cret`); // the name percent-encoded
  assert.equal((await send(`${gw.url}/k?apikey=wrong-guess`)).status, 401);
  assert.equal((await send(`${gw.url}/open?APIKEY=alice-s3cret`)).status, 200); // no key-auth here
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  const paths = lines.filter((l) => l.msg === "access").map((l) => l.path);
  assert.deepEqual(paths, [
    "/k?apikey=REDACTED&page=2",
    "/k?X-Api-Token=REDACTED",
    "/k?api%6Bey=REDACTED",
    "/k?apikey=REDACTED",
    "/open?APIKEY=REDACTED",
  ]);
  for (const l of raw) {
    assert.ok(!l.includes("alice-s3cret") && !l.includes("wrong-guess"), `leaked in: ${l}`);
  }
});

test("redactQuery: only the named arguments, names decoded and case-insensitive, the rest untouched", () => {
  const names = credentialQueryNames([
    { name: "key-auth", config: { key_names: ["apikey"] } },
    { name: "jwt", config: { uri_param_names: ["jwt"] } },
    { name: "cors", config: { origins: ["*"] } },
  ]);
  assert.deepEqual([...(names ?? [])], ["apikey", "jwt"]);
  assert.equal(credentialQueryNames([{ name: "cors", config: {} }]), null);
  assert.equal(
    redactQuery("/a?x=1&jwt=e.y.z&apikey&b=%ZZ", names),
    "/a?x=1&jwt=REDACTED&apikey=REDACTED&b=%ZZ",
  );
  assert.equal(redactQuery("/a?APIKEY=1", names), "/a?APIKEY=REDACTED");
  assert.equal(redactQuery("/a", names), "/a");
  assert.equal(redactQuery("/a?apikey=1", null), "/a?apikey=1");
});
