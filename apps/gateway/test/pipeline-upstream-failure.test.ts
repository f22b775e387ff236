import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, gateway, send, upstream } from "./helpers.js";

test("a refused upstream is 502, formatted by Accept, without upstream internals", async (t) => {
  const gw = await gateway(
    t,
    doc([{ name: "s", url: "http://127.0.0.1:1", retries: 0, routes: [{ paths: ["/x"] }] }]),
  );
  const json = await send(`${gw.url}/x`);
  assert.equal(json.status, 502);
  assert.deepEqual(json.json(), {
    message: "An invalid response was received from the upstream server",
  });
  assert.doesNotMatch(json.text, /ECONNREFUSED|127\.0\.0\.1/);
  const html = await send(`${gw.url}/x`, { headers: { accept: "text/html" } });
  assert.match(html.headers["content-type"] ?? "", /^text\/html/);
  const text = await send(`${gw.url}/x`, { headers: { accept: "text/plain" } });
  assert.equal(text.text, "An invalid response was received from the upstream server\n");
});

test("an upstream that does not answer in read_timeout is 504", async (t) => {
  const up = await upstream(t, () => undefined); // never answers
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, read_timeout: 200, routes: [{ paths: ["/slow"] }] }]),
  );
  const r = await send(`${gw.url}/slow`, { headers: { accept: "application/xml" } });
  assert.equal(r.status, 504);
  assert.match(r.text, /<message>The upstream server is timing out<\/message>/);
});

test("the same failure through the plugin pipeline is formatted the same way (source error)", async (t) => {
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: "http://127.0.0.1:1",
        retries: 0,
        routes: [
          {
            paths: ["/x"],
            plugins: [{ name: "response-transformer", config: { add: { headers: ["x-seen:1"] } } }],
          },
        ],
      },
    ]),
  );
  const r = await send(`${gw.url}/x`);
  assert.equal(r.status, 502);
  assert.deepEqual(r.json(), {
    message: "An invalid response was received from the upstream server",
  });
});
