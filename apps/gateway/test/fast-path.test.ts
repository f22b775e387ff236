// The 0-plugin path (raw header lists) and the recorded request-termination answer.
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import { doc, gateway, send, upstream } from "./helpers.js";

/** GET with raw header lines (repeats kept), fresh connection. */
function rawGet(
  url: string,
  headers: string[],
): Promise<{ status: number; rawHeaders: string[]; text: string }> {
  return new Promise((resolve, reject) => {
    const host = new URL(url).host;
    const req = httpRequest(url, { headers: ["Host", host, ...headers], agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, rawHeaders: res.rawHeaders, text }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

test("0 plugins: hop-by-hop and Connection-named request headers are dropped, X-Forwarded-* replaced, repeats kept", async (t) => {
  let seen: { headers: IncomingHttpHeaders; raw: string[] } | undefined;
  const up = await upstream(t, (req, res) => {
    seen = { headers: req.headers, raw: req.rawHeaders };
    res.end("ok");
  });
  const gw = await gateway(t, doc([{ name: "s", url: up, routes: [{ paths: ["/p"] }] }]));
  const r = await rawGet(`${gw.url}/p`, [
    "Connection",
    "keep-alive, X-Secret",
    "X-Secret",
    "1",
    "Keep-Alive",
    "timeout=5",
    "Proxy-Authorization",
    "Basic eA==",
    "X-Forwarded-For",
    "6.6.6.6",
    "X-Real-IP",
    "6.6.6.6",
    "X-Tag",
    "a",
    "X-Tag",
    "b",
  ]);
  assert.equal(r.status, 200);
  const h = seen?.headers ?? {};
  assert.equal(h["x-secret"], undefined);
  assert.equal(h["keep-alive"], undefined);
  assert.equal(h["proxy-authorization"], undefined);
  assert.equal(h["x-forwarded-for"], "127.0.0.1");
  assert.equal(h["x-real-ip"], "127.0.0.1");
  assert.equal(h.host, new URL(up).host);
  const tags = (seen?.raw ?? []).filter((_, i, raw) => i % 2 === 1 && raw[i - 1] === "X-Tag");
  assert.deepEqual(tags, ["a", "b"]);
});

test("0 plugins: the upstream's header lines are relayed (repeats kept), its hop-by-hop ones are not", async (t) => {
  const up = await upstream(t, (_req, res) => {
    res.writeHead(201, [
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
      "Connection",
      "X-Internal",
      "X-Internal",
      "secret",
      "X-Kept",
      "yes",
    ]);
    res.end("made");
  });
  const gw = await gateway(t, doc([{ name: "s", url: up, routes: [{ paths: ["/p"] }] }]));
  const r = await rawGet(`${gw.url}/p`, []);
  assert.equal(r.status, 201);
  assert.equal(r.text, "made");
  const names = r.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
  assert.equal(names.filter((n) => n === "set-cookie").length, 2);
  assert.ok(!names.includes("x-internal"));
  assert.ok(names.includes("x-kept"));
});

test("request-termination answers the same way every time (recorded answer), HEAD without a body", async (t) => {
  const gw = await gateway(
    t,
    doc([], {
      routes: [
        {
          paths: ["/down"],
          plugins: [
            { name: "request-termination", config: { status_code: 418, message: "brewing" } },
          ],
        },
      ],
    }),
  );
  const answers = [];
  for (let i = 0; i < 3; i++) answers.push(await send(`${gw.url}/down`));
  for (const a of answers) {
    assert.equal(a.status, 418);
    assert.equal(a.text, '{"message":"brewing"}');
    assert.equal(a.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(a.headers["content-length"], String(a.text.length));
  }
  const head = await send(`${gw.url}/down`, { method: "HEAD" });
  assert.equal(head.status, 418);
  assert.equal(head.text, "");
  assert.equal(head.headers["content-length"], String(answers[0]?.text.length));
});

test("request-termination with a trigger is not recorded: requests without it still reach the upstream", async (t) => {
  const up = await upstream(t, (_req, res) => res.end("upstream"));
  const gw = await gateway(
    t,
    doc([
      {
        name: "s",
        url: up,
        routes: [
          {
            paths: ["/t"],
            plugins: [
              { name: "request-termination", config: { status_code: 403, trigger: "x-stop" } },
            ],
          },
        ],
      },
    ]),
  );
  assert.equal((await send(`${gw.url}/t`, { headers: { "x-stop": "1" } })).status, 403);
  const passed = await send(`${gw.url}/t`);
  assert.equal(passed.status, 200);
  assert.equal(passed.text, "upstream");
  assert.equal((await send(`${gw.url}/t`, { headers: { "x-stop": "1" } })).status, 403);
});
