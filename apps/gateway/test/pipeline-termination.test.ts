import assert from "node:assert/strict";
import { test } from "node:test";
import { doc, gateway, send, upstream } from "./helpers.js";

test("request-termination answers early: the upstream is never called", async (t) => {
  let hits = 0;
  const up = await upstream(t, (_req, res) => {
    hits++;
    res.end("upstream");
  });
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: up,
        routes: [
          {
            paths: ["/down"],
            plugins: [
              { name: "request-termination", config: { status_code: 418, message: "brewing" } },
            ],
          },
        ],
      },
    ]),
  );
  const r = await send(`${gw.url}/down`);
  assert.equal(r.status, 418);
  assert.deepEqual(r.json(), { message: "brewing" });
  assert.equal(hits, 0);
});

test("a route with no service is answered by request-termination", async (t) => {
  const gw = await gateway(
    t,
    doc([], {
      routes: [
        {
          paths: ["/hello"],
          plugins: [{ name: "request-termination", config: { status_code: 200, message: "hi" } }],
        },
      ],
    }),
  );
  const r = await send(`${gw.url}/hello`);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json(), { message: "hi" });
});
