// The TLS listener on real sockets: the certificate chosen per connection by SNI (exact,
// wildcard, default, none), swapped by a push without dropping an open keep-alive connection.
import assert from "node:assert/strict";
import { Agent } from "node:https";
import { test } from "node:test";
import pino from "pino";
import { makeCertificate } from "@gatehouse/config/testing";
import { control, doc, echoUpstream, gateway } from "./helpers.js";
import { presentedCn, sendTls } from "./helpers/tls.js";

const exact = makeCertificate({ cn: "exact.test", sans: ["exact.test"] });
const wild = makeCertificate({ cn: "wild.test", sans: ["*.wild.test"] });
const fallback = makeCertificate({ cn: "default.test", sans: ["default.test"] });
const renewed = makeCertificate({ cn: "renewed.test", sans: ["exact.test"] });

const certificates = [
  { cert: exact.cert, key: exact.key, snis: ["exact.test"] },
  { cert: wild.cert, key: wild.key, snis: [{ name: "*.wild.test" }] },
  { cert: fallback.cert, key: fallback.key },
];

test("the certificate is chosen by SNI: exact, then wildcard, then the default", async (t) => {
  const up = await echoUpstream(t);
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }], { certificates }),
  );
  assert.ok(gw.tlsUrl.startsWith("https://127.0.0.1:"));
  assert.equal(await presentedCn(gw.tlsUrl, "exact.test"), "exact.test");
  assert.equal(await presentedCn(gw.tlsUrl, "EXACT.test"), "exact.test");
  assert.equal(await presentedCn(gw.tlsUrl, "a.wild.test"), "wild.test");
  assert.equal(await presentedCn(gw.tlsUrl, "a.b.wild.test"), "default.test");
  assert.equal(await presentedCn(gw.tlsUrl, "other.test"), "default.test");
  assert.equal(await presentedCn(gw.tlsUrl, undefined), "default.test");
  const r = await sendTls(`${gw.tlsUrl}/x`, { servername: "a.wild.test" });
  assert.equal(r.status, 200);
  const echoed = r.json() as { headers: Record<string, string> };
  assert.equal(echoed.headers["x-forwarded-proto"], "https");
  assert.equal(echoed.headers["x-forwarded-port"], new URL(gw.tlsUrl).port);
});

test("no certificate for the name and no default: the handshake fails, the gateway stays up", async (t) => {
  const up = await echoUpstream(t);
  const lines: string[] = [];
  const gw = await gateway(
    t,
    doc([{ name: "s", url: up, routes: [{ paths: ["/"] }] }], {
      certificates: [{ cert: exact.cert, key: exact.key, snis: ["exact.test"] }],
    }),
    { logger: captureLogger(lines) },
  );
  assert.match(await presentedCn(gw.tlsUrl, "other.test"), /^error: /);
  assert.match(await presentedCn(gw.tlsUrl, undefined), /^error: /);
  assert.ok(
    lines.some((l) => l.includes('no certificate for server name \\"other.test\\"')),
    lines.join("\n"),
  );
  assert.ok(!lines.join("\n").includes("PRIVATE KEY"));
  assert.equal(await presentedCn(gw.tlsUrl, "exact.test"), "exact.test");
});

test("a push swaps the certificates; an open keep-alive TLS connection stays open", async (t) => {
  const up = await echoUpstream(t);
  const routes = [{ paths: ["/"] }];
  const gw = await gateway(t, doc([{ name: "s", url: up, routes }], { certificates }));
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const first = await sendTls(`${gw.tlsUrl}/1`, { servername: "exact.test", agent });
  assert.equal(first.socket.getPeerCertificate().subject.CN, "exact.test");
  const push = await control(gw, "PUT", "/v1/config", {
    version: 2,
    config: doc([{ name: "s", url: up, routes }], {
      certificates: [{ cert: renewed.cert, key: renewed.key, snis: ["exact.test"] }],
    }),
  });
  assert.equal(push.status, 200, push.text);
  const second = await sendTls(`${gw.tlsUrl}/2`, { servername: "exact.test", agent });
  assert.equal(second.status, 200);
  assert.equal(second.socket, first.socket, "the same connection");
  assert.equal(second.socket.getPeerCertificate().subject.CN, "exact.test");
  assert.equal(await presentedCn(gw.tlsUrl, "exact.test"), "renewed.test");
});

/** A logger collecting its JSON lines. */
const captureLogger = (lines: string[]) =>
  pino({ level: "info" }, { write: (line: string) => lines.push(line) });
