import assert from "node:assert/strict";
import { test } from "node:test";
import { rawRequest, spec, startGateway, startUpstream } from "./helpers/proxy-harness.js";

function recordingUpstream() {
  const seen: Array<{ method: string; url: string; body: string }> = [];
  return startUpstream((req, res) => {
    let body = "";
    req.setEncoding("latin1");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", body });
      res.end("done");
    });
  }).then((up) => ({ up, seen }));
}

const SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

for (const method of ["DELETE", "OPTIONS"]) {
  test(`a chunked ${method} body is forwarded chunked, never as a second request (http-proxy deleteLength)`, async (t) => {
    const { up, seen } = await recordingUpstream();
    const gw = await startGateway(spec([up.port]));
    t.after(() => Promise.all([gw.close(), up.close()]));

    const request =
      `${method} /resource HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
      `${SMUGGLED.length.toString(16)}\r\n${SMUGGLED}\r\n0\r\n\r\n`;
    const { text } = await rawRequest(gw.port, request);
    assert.match(text, /^HTTP\/1\.1 200/);
    await new Promise((r) => setTimeout(r, 100)); // a smuggled request would arrive right after
    assert.deepEqual(seen, [{ method, url: "/resource", body: SMUGGLED }]);
  });
}

test("Content-Length together with Transfer-Encoding: 400 and the connection closed", async (t) => {
  const { up, seen } = await recordingUpstream();
  // the lenient parser lets the request reach the gateway code: our check must refuse it
  const gw = await startGateway(spec([up.port]), { insecureHTTPParser: true });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const { text, closed } = await rawRequest(
    gw.port,
    `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${SMUGGLED}`,
  );
  assert.match(text, /^HTTP\/1\.1 400/);
  assert.match(text, /Content-Length and Transfer-Encoding must not both be present/);
  assert.equal(closed, true);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(gw.forwarded, 0, "the request pipelined behind it is dropped, not forwarded");
  assert.equal(seen.length, 0);
});

test("a Transfer-Encoding other than chunked: 400", async (t) => {
  const { up, seen } = await recordingUpstream();
  const gw = await startGateway(spec([up.port]), { insecureHTTPParser: true });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const { text, closed } = await rawRequest(
    gw.port,
    "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
  );
  assert.match(text, /^HTTP\/1\.1 400/);
  assert.equal(closed, true);
  assert.equal(seen.length, 0);
});

test("Content-Length repeated with different values: 400", async (t) => {
  const { up, seen } = await recordingUpstream();
  const gw = await startGateway(spec([up.port]), { insecureHTTPParser: true });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const { text } = await rawRequest(
    gw.port,
    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
  );
  assert.match(text, /^HTTP\/1\.1 400/);
  assert.equal(seen.length, 0);
});
