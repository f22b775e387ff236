// Certificates, SNIs and CA certificates in the declarative export: keys decrypted only with the
// server secret, TLS fields of services and routes only when set (older documents keep their hash).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { certificateDigest, validateDeclarative } from "@gatehouse/config";
import { makeCertificate } from "@gatehouse/config/testing";
import { encryptSecret } from "../src/auth.js";
import { exportDeclarative } from "../src/export.js";
import { openHarness } from "./helpers.js";
import type { Harness } from "./helpers.js";

const SECRET = "export-tls-test-secret-0123456789";
const ca = makeCertificate({ cn: "CA", ca: true });
const leaf = makeCertificate({ cn: "a.test", sans: ["a.test"], issuer: ca });
let h: Harness;

before(async () => {
  h = await openHarness();
  const cert = await h.prisma.certificate.create({
    data: { cert: leaf.cert, keyEncrypted: encryptSecret(leaf.key, SECRET), tags: ["edge"] },
  });
  await h.prisma.sni.createMany({
    data: [
      { name: "b.test", certificateId: cert.id },
      { name: "a.test", certificateId: cert.id },
    ],
  });
  const caRow = await h.prisma.caCertificate.create({
    data: { cert: ca.cert, certDigest: certificateDigest(ca.cert) as string },
  });
  await h.prisma.service.create({
    data: {
      name: "tls",
      protocol: "https",
      host: "up.test",
      port: 443,
      tlsVerify: true,
      tlsVerifyDepth: 3,
      caCertificates: [caRow.id],
      clientCertificateId: cert.id,
      routes: { create: [{ name: "r", paths: ["/"], httpsRedirectStatusCode: 301 }] },
    },
  });
  await h.prisma.service.create({
    data: { name: "plain", host: "p.test", routes: { create: [{ name: "p", paths: ["/p"] }] } },
  });
});
after(() => h.close());

test("with the server secret: certificates with their keys and SNIs, decK's shape", async () => {
  const doc = await exportDeclarative(h.prisma, { secretKey: SECRET });
  const [c] = doc.certificates ?? [];
  assert.equal(c?.key, leaf.key);
  assert.deepEqual(
    c?.snis.map((s) => s.name),
    ["a.test", "b.test"],
  );
  assert.equal(doc.ca_certificates?.[0]?.cert_digest, certificateDigest(ca.cert));
  const tls = doc.services.find((s) => s.name === "tls");
  assert.deepEqual(
    [tls?.tls_verify, tls?.tls_verify_depth, tls?.client_certificate],
    [true, 3, { id: c?.id }],
  );
  assert.equal(tls?.routes?.[0]?.https_redirect_status_code, 301);
  const plain = doc.services.find((s) => s.name === "plain");
  for (const key of ["tls_verify", "tls_verify_depth", "ca_certificates", "client_certificate"]) {
    assert.equal(key in (plain ?? {}), false, key);
  }
  assert.equal("https_redirect_status_code" in (plain?.routes?.[0] ?? {}), false);
  const checked = validateDeclarative(doc, {
    plugins: { has: () => false, validate: () => ({ ok: true, config: {} }) },
  });
  assert.ok(checked.ok, checked.ok ? "" : JSON.stringify(checked.errors));
});

test("without the server secret no private key (and so no certificate) is written", async () => {
  const doc = await exportDeclarative(h.prisma);
  assert.equal(doc.certificates, undefined);
  assert.ok(!JSON.stringify(doc).includes("PRIVATE KEY"));
});
