import assert from "node:assert/strict";
import { test } from "node:test";
import { call, echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

test("bot-detection through a gateway: bots get 403, browsers reach the upstream", async (t) => {
  const up = (await echoUpstream(t)).url;
  const url = await gatewayWith(
    t,
    oneRoute(up, [{ name: "bot-detection", config: { deny: ["^curl/"] } }]),
  );
  const bot = await call(`${url}/api`, {
    headers: { "user-agent": "Googlebot/2.1 (+http://www.google.com/bot.html)" },
  });
  assert.equal(bot.status, 403);
  assert.deepEqual(JSON.parse(bot.text), { message: "Forbidden" });
  assert.equal((await call(`${url}/api`, { headers: { "user-agent": "curl/8.5.0" } })).status, 403);
  const browser = await call(`${url}/api`, {
    headers: {
      "user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    },
  });
  assert.equal(browser.status, 200);
});
