// Kong's uri_captures end to end: a route path `~/...(?P<name>...)` (Kong's PCRE syntax) hands its groups to
// plugins (kong.request.get_uri_captures), request-transformer templates and request-termination's echo.
import assert from "node:assert/strict";
import { test } from "node:test";
import { call, echoUpstream, gatewayWith } from "./helpers.js";

const users = "~/users/(?P<user>[a-z]+)/items/(\\d+)$";

/** one service → `upstream`, one route on `paths` with one plugin */
const oneRoute = (upstream: string, paths: string[], name: string, config: unknown) => ({
  _format_version: "3.0",
  services: [
    { name: "svc", url: upstream, routes: [{ name: "r", paths, plugins: [{ name, config }] }] },
  ],
});

test("a (?P<name>...) route regex gives request-termination's echo uri_captures {named, unnamed}", async (t) => {
  const url = await gatewayWith(t, {
    _format_version: "3.0",
    routes: [
      {
        name: "echo",
        paths: [users, "/plain"],
        plugins: [{ name: "request-termination", config: { status_code: 200, echo: true } }],
      },
    ],
  });
  const r = await call(`${url}/users/ann/items/42`);
  assert.equal(r.status, 200);
  const j = JSON.parse(r.text) as { request: Record<string, unknown> };
  assert.deepEqual(j.request.uri_captures, { named: { user: "ann" }, unnamed: ["ann", "42"] });
  assert.equal("body" in j.request, false); // no body: Kong leaves request.body out
  const plain = JSON.parse((await call(`${url}/plain`)).text) as {
    request: Record<string, unknown>;
  };
  assert.deepEqual(plain.request.uri_captures, { named: {}, unnamed: [] });
});

test("request-transformer's $(uri_captures.name) and $(uri_captures[n]) templates read the route's groups", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(
    t,
    oneRoute(up.url, [users], "request-transformer", {
      replace: { uri: "/v2/accounts/$(uri_captures.user)" },
      add: { headers: ["X-Item:$(uri_captures[2])", "X-User:$(uri_captures['user'])"] },
    }),
  );
  const r = await call(`${url}/users/bob/items/7`);
  assert.equal(r.status, 200);
  const seen = up.seen[0];
  assert.equal(seen?.url, "/v2/accounts/bob");
  assert.equal(seen?.headers["x-item"], "7");
  assert.equal(seen?.headers["x-user"], "bob");
});

test("request-validator's in: path parameter validates a named route group", async (t) => {
  const up = await echoUpstream(t);
  const url = await gatewayWith(
    t,
    oneRoute(up.url, ["~/orders/(?P<id>[^/]+)$"], "request-validator", {
      verbose_response: true,
      parameter_schema: [
        {
          in: "path",
          name: "id",
          required: true,
          style: "simple",
          explode: false,
          schema: '{"type":"integer","minimum":1}',
        },
      ],
    }),
  );
  assert.equal((await call(`${url}/orders/12`)).status, 200);
  const bad = await call(`${url}/orders/abc`);
  assert.equal(bad.status, 400);
  assert.deepEqual(JSON.parse(bad.text), {
    message: "path 'id' validation failed: value must be integer",
  });
});
