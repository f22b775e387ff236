/**
 * The document's `certificates` (with their `snis`) and `ca_certificates`, and the services' TLS
 * references to them: checked on the raw document (every error in one pass, like validate.ts's
 * crossCheck) and normalized once the document is valid.
 */
import { stableId } from "./ids.js";
import type { CaCertificateDoc, CertificateDoc, ServiceDoc } from "./schema.js";
import {
  certificateDigest,
  certificateKeyType,
  checkCaCertificate,
  checkCertificatePair,
  sniName,
} from "./tls.js";
import type { ConfigError, NormalizedCaCertificate, NormalizedCertificate } from "./types.js";

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export const ERR_ALT_PAIR = 'set "cert_alt" and "key_alt" together';
export const ERR_ALT_SAME_TYPE =
  'must have another key type than "cert" (e.g. an ECDSA certificate and an RSA one)';
export const ERR_CA_DIGEST = "does not match the certificate (SHA-256 of its DER)";

/** The name of an SNI entry (a string or `{ name }`), as written. */
const sniOf = (s: unknown): string | undefined =>
  typeof s === "string" ? s : isObj(s) && typeof s.name === "string" ? s.name : undefined;

/** The id a certificate gets when the document gives none. */
export const certificateId = (c: { id?: string; cert: string }, index: number): string =>
  c.id ?? stableId(`certificate:${certificateDigest(c.cert) ?? index}`);
export const caCertificateId = (c: { id?: string; cert: string }, index: number): string =>
  c.id ?? stableId(`ca_certificate:${certificateDigest(c.cert) ?? index}`);

/** Certificates, SNIs (each name once in the document), CA certificates, services' references. */
export function checkCertificates(doc: Raw): ConfigError[] {
  const errors: ConfigError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const certIds = new Map<string, string>();
  const snis = new Map<string, string>();
  arr(doc.certificates).forEach((c, i) => {
    if (!isObj(c)) return;
    const base = `certificates[${i}]`;
    if (typeof c.id === "string") {
      const prev = certIds.get(c.id);
      if (prev !== undefined) err(`${base}.id`, `duplicate certificate id (also at ${prev})`);
      else certIds.set(c.id, base);
    }
    if (typeof c.cert === "string" && typeof c.key === "string") {
      const pair = checkCertificatePair(c.cert, c.key);
      if (pair.cert) err(`${base}.cert`, pair.cert);
      if (pair.key) err(`${base}.key`, pair.key);
    }
    if ((c.cert_alt === undefined) !== (c.key_alt === undefined)) err(base, ERR_ALT_PAIR);
    else if (typeof c.cert_alt === "string" && typeof c.key_alt === "string") {
      const pair = checkCertificatePair(c.cert_alt, c.key_alt);
      if (pair.cert) err(`${base}.cert_alt`, pair.cert);
      if (pair.key) err(`${base}.key_alt`, pair.key);
      const main = typeof c.cert === "string" ? certificateKeyType(c.cert) : null;
      if (!pair.cert && main !== null && main === certificateKeyType(c.cert_alt)) {
        err(`${base}.cert_alt`, ERR_ALT_SAME_TYPE);
      }
    }
    arr(c.snis).forEach((s, j) => {
      const raw = sniOf(s);
      const name = raw === undefined ? null : sniName(raw);
      if (name === null) return; // the schema reports it
      const path = `${base}.snis[${j}]`;
      const prev = snis.get(name);
      if (prev !== undefined) {
        err(path, `SNI ${JSON.stringify(name)} is already claimed (also at ${prev})`);
      } else snis.set(name, path);
    });
  });
  const caIds = new Map<string, string>();
  arr(doc.ca_certificates).forEach((c, i) => {
    if (!isObj(c)) return;
    const base = `ca_certificates[${i}]`;
    if (typeof c.id === "string") {
      const prev = caIds.get(c.id);
      if (prev !== undefined) err(`${base}.id`, `duplicate CA certificate id (also at ${prev})`);
      else caIds.set(c.id, base);
    }
    if (typeof c.cert !== "string") return;
    const reason = checkCaCertificate(c.cert);
    if (reason !== null) err(`${base}.cert`, reason);
    else if (typeof c.cert_digest === "string" && c.cert_digest !== certificateDigest(c.cert)) {
      err(`${base}.cert_digest`, ERR_CA_DIGEST);
    }
  });
  arr(doc.services).forEach((s, i) => {
    if (!isObj(s)) return;
    const base = `services[${i}]`;
    arr(s.ca_certificates).forEach((id, j) => {
      if (typeof id === "string" && !caIds.has(id)) {
        err(`${base}.ca_certificates[${j}]`, `unknown CA certificate ${JSON.stringify(id)}`);
      }
    });
    const client = s.client_certificate;
    const id = typeof client === "string" ? client : isObj(client) ? client.id : undefined;
    if (typeof id === "string" && !certIds.has(id)) {
      err(`${base}.client_certificate`, `unknown certificate ${JSON.stringify(id)}`);
    }
  });
  return errors;
}

export function normalizeCertificates(list: CertificateDoc[] | undefined): NormalizedCertificate[] {
  return (list ?? []).map((c, i) => ({
    id: certificateId(c, i),
    cert: c.cert,
    key: c.key,
    certAlt: c.cert_alt ?? null,
    keyAlt: c.key_alt ?? null,
    snis: (c.snis ?? []).map((s) => sniName(sniOf(s) as string) as string),
    tags: c.tags ?? [],
  }));
}

export function normalizeCaCertificates(
  list: CaCertificateDoc[] | undefined,
): NormalizedCaCertificate[] {
  return (list ?? []).map((c, i) => ({
    id: caCertificateId(c, i),
    cert: c.cert,
    certDigest: certificateDigest(c.cert) as string,
    tags: c.tags ?? [],
  }));
}

/** A service's TLS fields, normalized. */
export function serviceTls(s: ServiceDoc) {
  const client = s.client_certificate;
  return {
    tlsVerify: s.tls_verify ?? null,
    tlsVerifyDepth: s.tls_verify_depth ?? null,
    caCertificates: s.ca_certificates ?? [],
    clientCertificate:
      client === undefined ? null : typeof client === "string" ? client : client.id,
  };
}
