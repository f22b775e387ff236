// The PROXY protocol header parser (net/proxy-protocol.ts) against headers built as HAProxy's spec
// says load balancers send them: v1 text, v2 binary, partial data, and what must be refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_V2_HEADER, parseProxyHeader } from "../src/net/proxy-protocol.js";
import { V2_SIGNATURE, v1, v2 } from "./helpers/proxy-protocol.js";

const ok = (buf: Buffer) => {
  const r = parseProxyHeader(buf);
  assert.equal(r.kind, "ok", JSON.stringify(r));
  return r as Extract<typeof r, { kind: "ok" }>;
};
const reason = (buf: Buffer) => {
  const r = parseProxyHeader(buf);
  assert.equal(r.kind, "invalid", JSON.stringify(r));
  return (r as { reason: string }).reason;
};

test("v1: TCP4 and TCP6 give the source address and the header's length; UNKNOWN gives none", () => {
  const four = Buffer.concat([v1("203.0.113.7", "10.0.0.1", 51234, 80), Buffer.from("GET /")]);
  const r4 = ok(four);
  assert.deepEqual(r4.header, { version: 1, source: { address: "203.0.113.7", port: 51234 } });
  assert.equal(four.subarray(r4.length).toString(), "GET /");
  assert.equal(ok(v1("2001:db8::7", "::1")).header.source?.address, "2001:db8::7");
  assert.deepEqual(ok(Buffer.from("PROXY UNKNOWN\r\n")).header, { version: 1 });
  assert.deepEqual(ok(Buffer.from("PROXY UNKNOWN ffff::1 ::1 1 2\r\n")).header, { version: 1 });
});

test("v1: partial data waits; a wrong start, a bad address or port, or no CRLF within 107 bytes is refused", () => {
  for (const part of ["P", "PROX", "PROXY ", "PROXY TCP4 203.0.113.7 10.0.0.1 5"])
    assert.equal(parseProxyHeader(Buffer.from(part)).kind, "incomplete", part);
  assert.equal(reason(Buffer.from("GET / HTTP/1.1\r\n")), "not a PROXY header");
  assert.equal(reason(Buffer.from("PROXI TCP4")), "not a PROXY header");
  assert.match(reason(Buffer.from("PROXY TCP4 2001:db8::1 10.0.0.1 1 2\r\n")), /address/);
  assert.match(reason(Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 70000 2\r\n")), /port/);
  assert.match(reason(Buffer.from("PROXY TCP4 203.0.113.7 10.0.0.1 1\r\n")), /6 fields/);
  assert.match(reason(Buffer.from("PROXY UDP4 203.0.113.7 10.0.0.1 1 2\r\n")), /protocol UDP4/);
  assert.match(reason(Buffer.from(`PROXY UNKNOWN ${"x".repeat(120)}`)), /107/);
});

test("v2: PROXY over TCP4 and TCP6 gives the source; TLVs are skipped; LOCAL and UNSPEC give none", () => {
  const tlv: [number, Buffer] = [0x05, Buffer.from("vpce-0123456789abcdef")];
  const withTlv = v2("198.51.100.23", { sport: 4242, tlvs: [tlv, [0x04, Buffer.alloc(0)]] });
  const r = ok(Buffer.concat([withTlv, Buffer.from("\x16\x03\x01")]));
  assert.deepEqual(r.header, { version: 2, source: { address: "198.51.100.23", port: 4242 } });
  assert.equal(r.length, withTlv.length);
  assert.equal(ok(v2("2001:db8:0:0:1::9")).header.source?.address, "2001:db8::1:0:0:9");
  assert.equal(ok(v2("::ffff:c000:22c")).header.source?.address, "192.0.2.44"); // IPv4-mapped
  assert.deepEqual(ok(v2("198.51.100.23", { local: true })).header, { version: 2 });
  assert.deepEqual(ok(v2(undefined)).header, { version: 2 });
});

test("v2: partial data waits; a bad version, command, family or length, or a header over the cap is refused", () => {
  const full = v2("198.51.100.23", { tlvs: [[0x01, Buffer.from("h2")]] });
  for (let n = 1; n < full.length; n++)
    assert.equal(parseProxyHeader(full.subarray(0, n)).kind, "incomplete", `${n} bytes`);
  const patched = (at: number, byte: number) => {
    const b = Buffer.from(full);
    b[at] = byte;
    return b;
  };
  assert.equal(reason(patched(5, 0x00)), "not a PROXY header");
  assert.match(reason(patched(12, 0x11)), /version 1/);
  assert.match(reason(patched(12, 0x22)), /command 2/);
  assert.match(reason(patched(13, 0x41)), /family 4/);
  const short = Buffer.concat([
    V2_SIGNATURE,
    Buffer.from([0x21, 0x21, 0x00, 0x0c]),
    Buffer.alloc(12),
  ]);
  assert.match(reason(short), /shorter than its addresses/);
  const huge = Buffer.concat([V2_SIGNATURE, Buffer.from([0x21, 0x11, 0xff, 0xff])]);
  assert.match(reason(huge), new RegExp(`max ${MAX_V2_HEADER}`));
});
