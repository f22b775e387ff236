import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import {
  rawRequest,
  spec,
  startGateway,
  startRawUpstream,
  startUpstream,
} from "./helpers/proxy-harness.js";

function echoHeaders() {
  return startUpstream((req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers }));
  });
}

test("hop-by-hop request headers, and those named in Connection, are not forwarded", async (t) => {
  const up = await echoHeaders();
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const { text } = await rawRequest(
    gw.port,
    [
      "GET /h HTTP/1.1",
      "Host: example.test",
      "Connection: keep-alive, X-Secret-Hop",
      "X-Secret-Hop: 1",
      "Keep-Alive: timeout=5",
      "Proxy-Authorization: Basic Zm9vOmJhcg==",
      "Proxy-Connection: keep-alive",
      "TE: trailers",
      "Trailer: X-Checksum",
      "Upgrade: h2c",
      "X-Keep: yes",
      "",
      "",
    ].join("\r\n"),
    { until: /\}$/ },
  );
  const seen = JSON.parse(text.slice(text.indexOf("{"))) as { headers: IncomingHttpHeaders };
  for (const name of [
    "x-secret-hop",
    "keep-alive",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
  ]) {
    assert.equal(seen.headers[name], undefined, `${name} must not reach the upstream`);
  }
  assert.doesNotMatch(String(seen.headers.connection), /secret/i);
  assert.equal(seen.headers["x-keep"], "yes");
  assert.equal(seen.headers.host, "example.test");
});

test("hop-by-hop response headers, and those named in Connection, are not returned", async (t) => {
  const up = await startRawUpstream((socket) =>
    socket.once("data", () =>
      socket.write(
        [
          "HTTP/1.1 200 OK",
          "Content-Length: 2",
          "Connection: keep-alive, X-Resp-Hop",
          "X-Resp-Hop: internal",
          "Keep-Alive: timeout=5",
          "Proxy-Authenticate: Basic",
          "Upgrade: h2c",
          "X-Ok: 1",
          "",
          "ok",
        ].join("\r\n"),
      ),
    ),
  );
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const { text } = await rawRequest(
    gw.port,
    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  const head = text.slice(0, text.indexOf("\r\n\r\n")).toLowerCase();
  assert.match(head, /^http\/1\.1 200/);
  assert.match(head, /\r\nx-ok: 1/);
  for (const name of ["x-resp-hop", "keep-alive", "proxy-authenticate", "upgrade"]) {
    assert.doesNotMatch(head, new RegExp(`\\r\\n${name}:`), `${name} must not reach the client`);
  }
  assert.ok(text.endsWith("\r\n\r\nok"));
});

test("redirects are never followed: the 302 and its Location reach the client", async (t) => {
  const up = await startUpstream((_req, res) => {
    res.writeHead(302, { location: "http://elsewhere.test/next?x=1" });
    res.end();
  });
  const gw = await startGateway(spec([up.port]));
  t.after(() => Promise.all([gw.close(), up.close()]));

  const res = await fetch(gw.url, { redirect: "manual" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "http://elsewhere.test/next?x=1");
  assert.equal(up.requests.length, 1);
});

test("the outbound path, method and headers are sent verbatim", async (t) => {
  const up = await echoHeaders();
  const path = "/a//b/http:/x?q=http://y&z=%2F&&w=?";
  const gw = await startGateway(spec([up.port]), {
    out: (_req, out) => ({
      ...out,
      method: "PATCH",
      path,
      headers: { ...out.headers, "X-Added": "by-plugin" },
    }),
  });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const seen = (await (await fetch(`${gw.url}/original`)).json()) as {
    url: string;
    method: string;
    headers: IncomingHttpHeaders;
  };
  assert.equal(seen.url, path);
  assert.equal(seen.method, "PATCH");
  assert.equal(seen.headers["x-added"], "by-plugin");
});

test("a Transfer-Encoding set on the response head is ignored, framing stays valid", async (t) => {
  const up = await startUpstream((_req, res) => res.end("hello"));
  const gw = await startGateway(spec([up.port]), {
    head: (proxyRes) => ({
      status: 201,
      headers: { ...proxyRes.headers, "transfer-encoding": "gzip, chunked", "x-plugin": "1" },
    }),
  });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const { text } = await rawRequest(
    gw.port,
    "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  const head = text.slice(0, text.indexOf("\r\n\r\n")).toLowerCase();
  assert.match(head, /^http\/1\.1 201/);
  assert.match(head, /\r\nx-plugin: 1/);
  assert.doesNotMatch(head, /gzip/);
  assert.match(head, /\r\ncontent-length: 5/);
  assert.ok(text.endsWith("\r\n\r\nhello"));
});
