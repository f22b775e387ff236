import assert from "node:assert/strict";
import { test } from "node:test";
import { validatePluginConfig } from "@gatehouse/plugin-kit";
import { runPlugin } from "@gatehouse/plugin-kit/testing";
import { botDetection } from "../index.js";

const CHROME =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
const run = (config: unknown, headers: Record<string, string | string[]> = {}) =>
  runPlugin(botDetection, config, { request: { headers } });
const status = async (config: unknown, ua: string) =>
  (await run(config, { "user-agent": ua })).response.status;
const errors = (raw: unknown) => {
  const r = validatePluginConfig(botDetection, raw);
  return r.ok ? [] : r.errors;
};

test("built-in list: known bots get 403 'Forbidden', browsers and no User-Agent pass", async () => {
  for (const bot of [
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "facebookexternalhit/1.1",
    "Python-urllib/3.11",
    "Apache-HttpClient/4.5.13 (Java/17)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Scrapy/2.11 (+https://scrapy.org)",
  ]) {
    const r = await run({}, { "user-agent": bot });
    assert.equal(r.response.status, 403, bot);
    assert.deepEqual(r.response.json(), { message: "Forbidden" });
  }
  assert.equal(await status({}, CHROME), 200);
  assert.equal(await status({}, "curl/8.5.0"), 200);
  assert.equal((await run({})).response.status, 200);
});

test("deny: user agents matching a deny regex are refused", async () => {
  assert.equal(await status({ deny: ["^curl/"] }, "curl/8.5.0"), 403);
  assert.equal(await status({ deny: ["^curl/"] }, CHROME), 200);
});

test("allow: an allow regex wins over the built-in list and over deny", async () => {
  const bot = "Googlebot/2.1 (+http://www.google.com/bot.html)";
  assert.equal(await status({ allow: ["Googlebot"] }, bot), 200);
  assert.equal(await status({ allow: ["^curl"], deny: ["curl"] }, "curl/8"), 200);
});

test("the User-Agent is trimmed; the verdict cache gives the same answer twice", async () => {
  const conf = validatePluginConfig(botDetection, { deny: ["^evil$"] });
  assert.ok(conf.ok);
  assert.equal(await status(conf.config, "  evil  "), 403);
  assert.equal(await status(conf.config, "  evil  "), 403);
});

test("several User-Agent headers: 400 'Only one User-Agent header allowed'", async () => {
  const r = await run({}, { "user-agent": ["a", "b"] });
  assert.equal(r.response.status, 400);
  assert.deepEqual(r.response.json(), { message: "Only one User-Agent header allowed" });
});

test("config: defaults; invalid regexes are refused with the field", () => {
  const ok = validatePluginConfig(botDetection, {});
  assert.deepEqual(ok.ok && ok.config, { allow: [], deny: [] });
  assert.deepEqual(errors({ deny: ["(unclosed"] }), [
    { path: "config.deny[0]", message: "'(unclosed' is not a valid regex" },
  ]);
  assert.deepEqual(errors({ allow: ["ok", "[z-a]"] }), [
    { path: "config.allow[1]", message: "'[z-a]' is not a valid regex" },
  ]);
  assert.deepEqual(errors({ allow: [""] }), [
    { path: "config.allow[0]", message: "must not be empty" },
  ]);
  assert.equal(errors({ allow: "x" })[0]?.path, "config.allow");
});
