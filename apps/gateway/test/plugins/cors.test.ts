import assert from "node:assert/strict";
import { test } from "node:test";
import { call, echoUpstream, gatewayWith, oneRoute } from "./helpers.js";

test("cors through a gateway: preflight answered by the gateway, simple requests get ACAO", async (t) => {
  const up = (await echoUpstream(t)).url;
  const conf = {
    origins: ["https://app.example", "https://.*\\.example\\.org"],
    credentials: true,
    max_age: 600,
  };
  const url = await gatewayWith(t, oneRoute(up, [{ name: "cors", config: conf }]));
  const pre = await call(`${url}/api`, {
    method: "OPTIONS",
    headers: {
      origin: "https://a.example.org",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  });
  assert.equal(pre.status, 200);
  assert.equal(pre.text, "", "answered by the gateway, not the upstream");
  assert.equal(pre.headers.get("access-control-allow-origin"), "https://a.example.org");
  assert.equal(
    pre.headers.get("access-control-allow-methods"),
    "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT",
  );
  assert.equal(pre.headers.get("access-control-allow-headers"), "content-type");
  assert.equal(pre.headers.get("access-control-max-age"), "600");
  assert.equal(pre.headers.get("access-control-allow-credentials"), "true");
  assert.equal(pre.headers.get("vary"), "Origin");

  const get = await call(`${url}/api`, { headers: { origin: "https://app.example" } });
  assert.equal(get.status, 200);
  assert.match(get.text, /"method":"GET"/);
  assert.equal(get.headers.get("access-control-allow-origin"), "https://app.example");
  const evil = await call(`${url}/api`, { headers: { origin: "https://evil.example" } });
  assert.equal(evil.headers.get("access-control-allow-origin"), null);
});

test("cors through a gateway: a Kong export's methods: null allows every method; an empty Origin is not echoed", async (t) => {
  const up = (await echoUpstream(t)).url;
  const conf = { methods: null, credentials: true };
  const url = await gatewayWith(t, oneRoute(up, [{ name: "cors", config: conf }]));
  const pre = await call(`${url}/api`, {
    method: "OPTIONS",
    headers: { origin: "https://a.example", "access-control-request-method": "DELETE" },
  });
  assert.equal(pre.status, 200);
  assert.equal(
    pre.headers.get("access-control-allow-methods"),
    "GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT",
  );
  const empty = await call(`${url}/api`, { headers: { origin: "" } });
  assert.equal(empty.status, 200);
  assert.equal(empty.headers.get("access-control-allow-origin"), "*");
  assert.equal(empty.headers.get("access-control-allow-credentials"), null);
});
