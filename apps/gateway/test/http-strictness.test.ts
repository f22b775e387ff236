import assert from "node:assert/strict";
import { test } from "node:test";
import type { TestContext } from "node:test";
import { doc, gateway, rawRequest, upstream } from "./helpers.js";

/** Two services on their own upstreams, routed by host: a.test → "a", b.test → "b". */
async function twoHosts(t: TestContext) {
  const seen: { name: string; url: string; host: string | undefined; xfh: unknown }[] = [];
  const named = (name: string) =>
    upstream(t, (req, res) => {
      seen.push({
        name,
        url: req.url ?? "",
        host: req.headers.host,
        xfh: req.headers["x-forwarded-host"],
      });
      res.end(name);
    });
  const [a, b] = [await named("a"), await named("b")];
  const gw = await gateway(
    t,
    doc([
      { name: "a", url: a, routes: [{ hosts: ["a.test"], paths: ["/"] }] },
      {
        name: "b",
        url: b,
        routes: [
          { hosts: ["b.test"], paths: ["/"] },
          { name: "b-kept", hosts: ["kept.test"], paths: ["/"], preserve_host: true },
        ],
      },
    ]),
  );
  return { gw, seen };
}

function statusLine(out: string): string {
  return out.slice(0, out.indexOf("\r\n"));
}

test("duplicate Host header (request smuggling / cache poisoning): 400, connection closed, upstream never called", async (t) => {
  const { gw, seen } = await twoHosts(t);
  const out = await rawRequest(
    gw.url,
    "GET / HTTP/1.1\r\nHost: a.test\r\nhost: b.test\r\n\r\nGET / HTTP/1.1\r\nHost: a.test\r\n\r\n",
  );
  assert.equal(statusLine(out), "HTTP/1.1 400 Bad Request");
  assert.match(out, /\r\nConnection: close\r\n/i);
  assert.match(out, /"message":"more than one Host header"/);
  assert.equal(out.match(/HTTP\/1\.1 /g)?.length, 1, "the pipelined request is dropped");
  assert.deepEqual(seen, []);
});

test("absolute-form request target: its host routes the request and is the forwarded host, not the Host header", async (t) => {
  const { gw, seen } = await twoHosts(t);
  const out = await rawRequest(
    gw.url,
    "GET http://b.test/x?q=1 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
  );
  assert.equal(statusLine(out), "HTTP/1.1 200 OK");
  assert.match(out, /\r\n\r\nb$/);
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.name, "b");
  assert.equal(seen[0]?.url, "/x?q=1");
  assert.equal(seen[0]?.xfh, "b.test");

  // preserve_host forwards the absolute-form host too
  const kept = await rawRequest(
    gw.url,
    "GET http://kept.test:8080/y HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n",
  );
  assert.equal(statusLine(kept), "HTTP/1.1 200 OK");
  assert.equal(seen[1]?.host, "kept.test:8080");
});

test("HTTP/2.0 (and HTTP/0.9) request line on the HTTP/1 listener: 505, upstream never called", async (t) => {
  const { gw, seen } = await twoHosts(t);
  for (const version of ["2.0", "0.9"]) {
    const out = await rawRequest(gw.url, `GET / HTTP/${version}\r\nHost: a.test\r\n\r\n`);
    assert.equal(statusLine(out), "HTTP/1.1 505 HTTP Version Not Supported", version);
    assert.match(out, new RegExp(`HTTP/${version.replace(".", "\\.")} is not supported`));
  }
  // the HTTP/2 connection preface (prior knowledge h2c) is refused too, not served
  const preface = await rawRequest(gw.url, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
  assert.equal(statusLine(preface), "HTTP/1.1 400 Bad Request");
  assert.deepEqual(seen, []);
});

test("CONNECT: 405 with Allow and the connection closed, not a silent close", async (t) => {
  const { gw, seen } = await twoHosts(t);
  const out = await rawRequest(gw.url, "CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n\r\n");
  assert.equal(statusLine(out), "HTTP/1.1 405 Method Not Allowed");
  assert.match(out, /\r\nAllow: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\r\n/);
  assert.match(out, /\r\nConnection: close\r\n/);
  assert.match(out, /\{"message":"CONNECT is not supported"\}$/);
  assert.deepEqual(seen, []);
});
