import assert from "node:assert/strict";
import { test } from "node:test";
import {
  certificateDigest,
  certificateInfo,
  formatErrors,
  sniName,
  validateDeclarative,
} from "../src/index.js";
import { makeCertificate } from "../src/testing.js";
import { catalog } from "./helpers.js";

const ca = makeCertificate({ cn: "Test CA", ca: true });
const a = makeCertificate({ cn: "a.test", sans: ["a.test", "*.a.test"], issuer: ca });
const b = makeCertificate({ cn: "b.test", sans: ["b.test"], keyType: "rsa" });

function errorsOf(doc: Record<string, unknown>): string[] {
  const r = validateDeclarative({ _format_version: "3.0", ...doc }, { plugins: catalog });
  assert.equal(r.ok, false);
  return r.ok ? [] : formatErrors(r.errors).split("\n");
}

test("certificates, SNIs and CA certificates are normalized; services reference them", () => {
  const r = validateDeclarative(
    {
      _format_version: "3.0",
      certificates: [
        { id: "cert-a", cert: a.cert, key: a.key, snis: ["A.test", { name: "*.a.test" }] },
        { cert: b.cert, key: b.key, tags: ["t"] },
      ],
      ca_certificates: [{ id: "ca-1", cert: ca.cert, cert_digest: certificateDigest(ca.cert) }],
      services: [
        {
          name: "s",
          url: "https://up.test",
          tls_verify: true,
          tls_verify_depth: 2,
          ca_certificates: ["ca-1"],
          client_certificate: { id: "cert-a" },
          routes: [{ paths: ["/"], protocols: ["https"], https_redirect_status_code: 308 }],
        },
      ],
    },
    { plugins: catalog },
  );
  assert.ok(r.ok, r.ok ? "" : formatErrors(r.errors));
  const [first, second] = r.config.certificates;
  assert.deepEqual(first?.snis, ["a.test", "*.a.test"]);
  assert.equal(first?.key, a.key);
  assert.equal(second?.snis.length, 0);
  assert.match(second?.id ?? "", /./);
  assert.equal(r.config.caCertificates[0]?.certDigest, certificateDigest(ca.cert));
  const s = r.config.services[0];
  assert.deepEqual(
    [s?.tlsVerify, s?.tlsVerifyDepth, s?.caCertificates, s?.clientCertificate],
    [true, 2, ["ca-1"], "cert-a"],
  );
  assert.equal(r.config.routes[0]?.httpsRedirectStatusCode, 308);
});

test("defaults: no TLS fields set, 426 for a route on the wrong protocol", () => {
  const r = validateDeclarative(
    {
      _format_version: "3.0",
      services: [{ name: "s", url: "http://x", routes: [{ paths: ["/"] }] }],
    },
    { plugins: catalog },
  );
  assert.ok(r.ok);
  assert.equal(r.config.routes[0]?.httpsRedirectStatusCode, 426);
  assert.equal(r.config.services[0]?.tlsVerify, null);
  assert.deepEqual(r.config.certificates, []);
});

test("bad PEMs, a key that is not the certificate's, SNIs claimed twice or not hostnames", () => {
  const lines = errorsOf({
    certificates: [
      { cert: "not a pem", key: a.key },
      { cert: a.cert, key: b.key, snis: ["dup.test", "1.2.3.4"] },
      { cert: b.cert, key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----" },
      { cert: a.cert, key: a.key, snis: [{ name: "DUP.test" }, "a.*.test", "x.test:443"] },
      { cert: a.cert, key: a.key, cert_alt: b.cert },
    ],
    ca_certificates: [{ cert: b.cert }, { cert: ca.cert, cert_digest: "0".repeat(64) }],
    services: [{ name: "s", host: "x", ca_certificates: ["nope"], client_certificate: "ghost" }],
  });
  for (const expected of [
    'certificates[0].cert: must be a PEM-encoded X.509 certificate ("-----BEGIN CERTIFICATE-----" ...)',
    "certificates[1].key: does not match the certificate's public key",
    'certificates[1].snis[1]: must be a hostname or a wildcard hostname like "*.example.com" (no IP address, no port)',
    "certificates[2].key: is not a valid private key (the PEM does not parse)",
    'certificates[3].snis[0]: SNI "dup.test" is already claimed (also at certificates[1].snis[0])',
    'certificates[3].snis[1]: must be a hostname or a wildcard hostname like "*.example.com" (no IP address, no port)',
    'certificates[3].snis[2]: must be a hostname or a wildcard hostname like "*.example.com" (no IP address, no port)',
    'certificates[4]: set "cert_alt" and "key_alt" together',
    "ca_certificates[0].cert: must be a CA certificate (basicConstraints CA:TRUE)",
    "ca_certificates[1].cert_digest: does not match the certificate (SHA-256 of its DER)",
    'services[0].ca_certificates[0]: unknown CA certificate "nope"',
    'services[0].client_certificate: unknown certificate "ghost"',
  ]) {
    assert.ok(lines.includes(expected), `missing ${expected} in\n${lines.join("\n")}`);
  }
  // the key is never quoted back
  assert.ok(!lines.join("\n").includes("PRIVATE KEY-----\n"));
});

test("cert_alt must have another key type and match key_alt", () => {
  const a2 = makeCertificate({ cn: "a.test" });
  const lines = errorsOf({
    certificates: [
      { cert: a.cert, key: a.key, cert_alt: a2.cert, key_alt: a2.key },
      { cert: a.cert, key: a.key, cert_alt: b.cert, key_alt: a.key },
    ],
  });
  assert.ok(
    lines.some((l) => l.startsWith("certificates[0].cert_alt: must have another key type")),
  );
  assert.ok(lines.includes("certificates[1].key_alt: does not match the certificate's public key"));
});

test("SNI names and the details of a certificate", () => {
  assert.equal(sniName("*.Example.com"), "*.example.com");
  for (const bad of ["*", "*.com", "a.*.com", "example.*", "::1", "10.0.0.1", "a b"]) {
    assert.equal(sniName(bad), null, bad);
  }
  const info = certificateInfo(a.cert);
  assert.equal(info?.subject, "CN=a.test");
  assert.equal(info?.issuer, "CN=Test CA");
  assert.deepEqual(info?.sans, ["a.test", "*.a.test"]);
  assert.ok(Date.parse(info?.not_after ?? "") > Date.now());
  assert.equal(certificateInfo("nope"), null);
});
