// Certificates, SNIs and CA certificates over the admin API: validation with the field named,
// private keys encrypted at rest, masked in every answer, export and audit entry, never logged.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { makeCertificate } from "@gatehouse/config/testing";
import { createPrismaClient } from "@gatehouse/db/client";
import type { Admin, AdminApi } from "./helpers/admin.js";
import { client, startAdmin, tokenFor } from "./helpers/admin.js";

const ca = makeCertificate({ cn: "Admin Test CA", ca: true });
const a = makeCertificate({ cn: "a.test", sans: ["a.test", "*.a.test"], issuer: ca });
const b = makeCertificate({ cn: "b.test", sans: ["b.test"], keyType: "rsa" });
const KEY_BODY = (pem: string) => pem.split("\n")[1] as string;

let admin: Admin;
let api: AdminApi;
let certId: string;

before(async () => {
  admin = await startAdmin();
  api = client(admin);
  const created = await api("POST", "/api/v1/certificates", {
    body: { cert: a.cert, key: a.key, tags: ["edge"] },
  });
  assert.equal(created.status, 201, created.text);
  certId = created.body.id;
});
after(async () => admin?.stop());

test("a certificate reads back with its details and its key masked", async () => {
  const r = await api("GET", `/api/v1/certificates/${certId}`);
  assert.equal(r.status, 200);
  assert.equal(r.body.key, "********");
  assert.equal(r.body.details.subject, "CN=a.test");
  assert.equal(r.body.details.issuer, "CN=Admin Test CA");
  assert.deepEqual(r.body.details.sans, ["a.test", "*.a.test"]);
  assert.ok(!r.text.includes(KEY_BODY(a.key)));
});

test("a PEM that does not parse, a key of another certificate: 400 naming the field", async () => {
  const bad = await api("POST", "/api/v1/certificates", { body: { cert: "nope", key: a.key } });
  assert.equal(bad.status, 400);
  assert.deepEqual(
    bad.body.errors.map((e: { path: string }) => e.path),
    ["cert"],
  );
  const mismatch = await api("POST", "/api/v1/certificates", {
    body: { cert: a.cert, key: b.key },
  });
  assert.equal(mismatch.status, 400);
  assert.deepEqual(mismatch.body.errors, [
    { path: "key", message: "does not match the certificate's public key" },
  ]);
  assert.ok(!mismatch.text.includes(KEY_BODY(b.key)));
});

test("SNIs: nested create, claimed twice or not a hostname is a 400 on name", async () => {
  const ok = await api("POST", `/api/v1/certificates/${certId}/snis`, { body: { name: "A.test" } });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.name, "a.test");
  const other = await api("POST", "/api/v1/certificates", { body: { cert: b.cert, key: b.key } });
  assert.equal(other.status, 201);
  const twice = await api("POST", "/api/v1/snis", {
    body: { name: "a.test", certificate: { id: other.body.id } },
  });
  assert.equal(twice.status, 400);
  assert.equal(twice.body.errors[0].path, "name");
  assert.match(twice.body.errors[0].message, /already claimed/);
  const ip = await api("POST", `/api/v1/certificates/${other.body.id}/snis`, {
    body: { name: "10.0.0.1" },
  });
  assert.equal(ip.status, 400);
  assert.equal(ip.body.errors[0].path, "name");
  const list = await api("GET", `/api/v1/certificates/${certId}/snis`);
  assert.deepEqual(
    list.body.data.map((s: { name: string }) => s.name),
    ["a.test"],
  );
  assert.equal((await api("GET", "/api/v1/snis/a.test")).body.certificate.id, certId);
});

test("the private key is encrypted at rest", async () => {
  const prisma = createPrismaClient(admin.db.url);
  try {
    const row = await prisma.certificate.findUniqueOrThrow({ where: { id: certId } });
    assert.match(row.keyEncrypted, /^v1\./);
    assert.ok(!row.keyEncrypted.includes("PRIVATE KEY"));
  } finally {
    await prisma.$disconnect();
  }
});

test("exports, versions and the audit log mask the key; include_secrets is for admins", async () => {
  const reads = [
    await api("GET", "/api/v1/config/export?format=json"),
    await api("GET", "/api/v1/config/export"),
    await api(
      "GET",
      `/api/v1/config/versions/${(await api("GET", "/api/v1/config/versions")).body.data[0].version}`,
    ),
    await api("GET", "/api/v1/audit?entity_type=certificate"),
    await api("GET", "/api/v1/certificates"),
  ];
  for (const r of reads) {
    assert.equal(r.status, 200);
    assert.ok(!r.text.includes(KEY_BODY(a.key)), r.text.slice(0, 300));
  }
  const viewer = await tokenFor(admin, "viewer");
  const refused = await api("GET", "/api/v1/config/export?include_secrets=true", { token: viewer });
  assert.equal(refused.status, 403);
  const plain = await api("GET", "/api/v1/config/export?format=json&include_secrets=true");
  const cert = plain.body.certificates.find((c: { id: string }) => c.id === certId);
  assert.equal(cert.key, a.key);
  assert.deepEqual(
    cert.snis.map((s: { name: string }) => s.name),
    ["a.test"],
  );
  assert.ok(!admin.output().includes(KEY_BODY(a.key)), "never logged");
});

test("a masked export imports back and keeps the stored key", async () => {
  const masked = (await api("GET", "/api/v1/config/export?format=json")).body;
  assert.equal(masked.certificates[0].key, "********");
  const r = await api("POST", "/api/v1/config/import?mode=sync", { body: masked });
  assert.equal(r.status, 200, r.text);
  const plain = await api("GET", "/api/v1/config/export?format=json&include_secrets=true");
  assert.equal(plain.body.certificates.find((c: { id: string }) => c.id === certId).key, a.key);
  const stray = structuredClone(masked);
  stray.certificates[0].id = "someone-else";
  stray.certificates[0].cert = makeCertificate({ cn: "never-stored.test" }).cert;
  stray.certificates[0].snis = [];
  stray.certificates.splice(1);
  const refused = await api("POST", "/api/v1/config/import?mode=sync", { body: stray });
  assert.equal(refused.status, 400);
  assert.equal(refused.body.errors[0].path, "certificates[0].key");
});

test("services reference CA certificates and a client certificate; in use, they stay", async () => {
  const caRow = await api("POST", "/api/v1/ca_certificates", { body: { cert: ca.cert } });
  assert.equal(caRow.status, 201, caRow.text);
  assert.match(caRow.body.cert_digest, /^[0-9a-f]{64}$/);
  const notCa = await api("POST", "/api/v1/ca_certificates", { body: { cert: b.cert } });
  assert.equal(notCa.status, 400);
  assert.equal(notCa.body.errors[0].path, "cert");
  const svc = await api("POST", "/api/v1/services", {
    body: {
      name: "mtls",
      url: "https://up.test",
      tls_verify: true,
      tls_verify_depth: 2,
      ca_certificates: [caRow.body.id],
      client_certificate: { id: certId },
    },
  });
  assert.equal(svc.status, 201, svc.text);
  assert.deepEqual(svc.body.client_certificate, { id: certId });
  const unknown = await api("PATCH", "/api/v1/services/mtls", {
    body: { client_certificate: "ghost", ca_certificates: ["nope"] },
  });
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.body.errors.map((e: { path: string }) => e.path).sort(), [
    "ca_certificates[0]",
    "client_certificate",
  ]);
  assert.equal((await api("DELETE", `/api/v1/certificates/${certId}`)).status, 409);
  assert.equal((await api("DELETE", `/api/v1/ca_certificates/${caRow.body.id}`)).status, 409);
  const route = await api("POST", "/api/v1/services/mtls/routes", {
    body: { name: "secure", paths: ["/s"], protocols: ["https"], https_redirect_status_code: 301 },
  });
  assert.equal(route.status, 201, route.text);
  assert.equal(route.body.https_redirect_status_code, 301);
});
