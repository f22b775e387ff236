import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import net from "node:net";
import { test } from "node:test";
import { spec, startGateway, startUpstream } from "./helpers/proxy-harness.js";

test("Expect: 100-continue requests get the header changes too (made before proxy.web)", async (t) => {
  const up = await startUpstream((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => res.end(JSON.stringify({ headers: req.headers, body })));
  });
  const gw = await startGateway(spec([up.port]), {
    out: (_req, out) => ({ ...out, headers: { ...out.headers, "x-added": "by-plugin" } }),
  });
  t.after(() => Promise.all([gw.close(), up.close()]));

  const text = await new Promise<string>((resolve, reject) => {
    const socket = net.connect(gw.port, "127.0.0.1");
    let received = "";
    let sentBody = false;
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      if (!sentBody && received.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        sentBody = true;
        socket.write("hello");
      }
    });
    socket.on("end", () => resolve(received));
    socket.on("error", reject);
    socket.write(
      "POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    );
  });
  assert.ok(
    text.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200"),
    "waited for 100, then got 200",
  );
  const seen = JSON.parse(text.slice(text.indexOf("{"))) as {
    headers: IncomingHttpHeaders;
    body: string;
  };
  assert.equal(seen.headers["x-added"], "by-plugin");
  assert.equal(seen.headers["x-forwarded-for"], "127.0.0.1");
  assert.equal(seen.body, "hello");
});
