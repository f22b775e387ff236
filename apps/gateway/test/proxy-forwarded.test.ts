import assert from "node:assert/strict";
import http, { type IncomingHttpHeaders } from "node:http";
import { test } from "node:test";
import { compileTrustedProxies } from "../src/proxy/index.js";
import { spec, startGateway, startUpstream } from "./helpers/proxy-harness.js";

const spoofed = {
  host: "example.test:8443",
  "x-forwarded-for": "203.0.113.9, 10.0.0.2",
  "x-forwarded-proto": "https",
  "x-forwarded-host": "public.example",
  "x-forwarded-port": "443",
  "x-real-ip": "6.6.6.6",
};

async function seenHeaders(trustedProxies: string[]) {
  const up = await startUpstream((req, res) => res.end(JSON.stringify(req.headers)));
  const gw = await startGateway(spec([up.port]), { trustedProxies });
  try {
    // node:http, not fetch: fetch does not let a client choose the Host header
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get(gw.url, { headers: spoofed }, (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    return { headers: JSON.parse(body) as IncomingHttpHeaders, gatewayPort: gw.port };
  } finally {
    await Promise.all([gw.close(), up.close()]);
  }
}

test("X-Forwarded-* from an untrusted peer are replaced", async () => {
  const { headers, gatewayPort } = await seenHeaders([]);
  assert.equal(headers["x-forwarded-for"], "127.0.0.1");
  assert.equal(headers["x-forwarded-proto"], "http");
  assert.equal(headers["x-forwarded-host"], "example.test");
  assert.equal(headers["x-forwarded-port"], String(gatewayPort));
  assert.equal(headers["x-real-ip"], "127.0.0.1");
});

test("X-Forwarded-* from a trusted proxy are kept and X-Forwarded-For appended to", async () => {
  const { headers } = await seenHeaders(["127.0.0.1/32", "10.0.0.0/8"]);
  assert.equal(headers["x-forwarded-for"], "203.0.113.9, 10.0.0.2, 127.0.0.1");
  assert.equal(headers["x-forwarded-proto"], "https");
  assert.equal(headers["x-forwarded-host"], "public.example");
  assert.equal(headers["x-forwarded-port"], "443");
  assert.equal(headers["x-real-ip"], "203.0.113.9", "right-most untrusted address");
});

test("an invalid trusted proxy CIDR is refused with its position and value", () => {
  assert.throws(
    () => compileTrustedProxies(["10.0.0.0/8", "10.0.0.0/40"]),
    /^Error: trustedProxies\[1\]: "10\.0\.0\.0\/40" is not an IP address or CIDR/,
  );
  assert.throws(() => compileTrustedProxies(["example.com"]), /trustedProxies\[0\]/);
  assert.ok(compileTrustedProxies(["::1", "fd00::/8"]).contains("fd12::1"));
  assert.ok(compileTrustedProxies(["127.0.0.0/8"]).contains("::ffff:127.0.0.5"));
});
