import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, gateway, send, upstream } from "./helpers.js";

test("response-transformer adds headers and rewrites a JSON body with a correct Content-Length", async (t) => {
  const up = await upstream(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "x-internal": "secret" });
    res.end(JSON.stringify({ a: 1, drop: true }));
  });
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: up,
        routes: [
          {
            paths: ["/rt"],
            plugins: [
              {
                name: "response-transformer",
                config: {
                  add: { headers: ["x-added:yes"], json: ["b:2"] },
                  remove: { headers: ["x-internal"], json: ["drop"] },
                },
              },
            ],
          },
        ],
      },
    ]),
  );
  const r = await send(`${gw.url}/rt`);
  assert.equal(r.status, 200);
  assert.equal(r.headers["x-added"], "yes");
  assert.equal(r.headers["x-internal"], undefined);
  assert.deepEqual(r.json(), { a: 1, b: "2" });
  assert.equal(Number(r.headers["content-length"]), Buffer.byteLength(r.text));
});
