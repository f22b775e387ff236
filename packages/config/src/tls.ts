/**
 * PEM rules for certificates, private keys and SNIs, defined once: the admin checks what it
 * stores with them, the declarative validator checks every document with them, and the data plane
 * builds its TLS contexts from what they accepted. node:crypto only (X509Certificate,
 * createPrivateKey, checkPrivateKey). Messages never quote a key.
 */
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { isIP } from "node:net";
import { hostnameRe } from "./hostname.js";

export const ERR_NOT_PEM_CERT =
  'must be a PEM-encoded X.509 certificate ("-----BEGIN CERTIFICATE-----" ...)';
export const ERR_BAD_CERT = "is not a valid X.509 certificate (the PEM does not parse)";
export const ERR_NOT_PEM_KEY =
  'must be a PEM-encoded private key ("-----BEGIN PRIVATE KEY-----" ...)';
export const ERR_ENCRYPTED_KEY = "is encrypted: give the key without a passphrase";
export const ERR_BAD_KEY = "is not a valid private key (the PEM does not parse)";
export const ERR_KEY_MISMATCH = "does not match the certificate's public key";
export const ERR_NOT_CA = "must be a CA certificate (basicConstraints CA:TRUE)";
export const ERR_SNI_NAME =
  'must be a hostname or a wildcard hostname like "*.example.com" (no IP address, no port)';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/** The certificates of a PEM (a leaf and its chain, in order), or the reason it is refused. */
export function parseCertificates(pem: string): X509Certificate[] | string {
  const blocks = pem.match(CERT_BLOCK);
  if (!blocks) return ERR_NOT_PEM_CERT;
  const out: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      return ERR_BAD_CERT;
    }
  }
  return out;
}

/** The private key of a PEM, or the reason it is refused. */
export function parsePrivateKey(pem: string): KeyObject | string {
  const block = KEY_BLOCK.exec(pem);
  if (!block) return ERR_NOT_PEM_KEY;
  if (block[1] === "ENCRYPTED PRIVATE KEY" || /Proc-Type:\s*4,ENCRYPTED/.test(block[0])) {
    return ERR_ENCRYPTED_KEY;
  }
  try {
    return createPrivateKey({ key: block[0], format: "pem" });
  } catch {
    return ERR_BAD_KEY;
  }
}

/**
 * A certificate and its key: `{ cert?, key? }` reasons (paths "cert" / "key"), empty when both
 * parse and the key is the certificate's.
 */
export function checkCertificatePair(
  certPem: string,
  keyPem: string,
): { cert?: string; key?: string } {
  const certs = parseCertificates(certPem);
  const key = parsePrivateKey(keyPem);
  if (typeof certs === "string")
    return typeof key === "string" ? { cert: certs, key } : { cert: certs };
  if (typeof key === "string") return { key };
  const leaf = certs[0] as X509Certificate;
  return leaf.checkPrivateKey(key) ? {} : { key: ERR_KEY_MISMATCH };
}

/** What the UI shows of a certificate (its leaf). */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** subjectAltName entries without their type prefix (`DNS:`, `IP Address:`) */
  sans: string[];
  /** ISO 8601 */
  not_before: string;
  not_after: string;
  /** "rsa", "ec", "ed25519"... */
  key_type: string;
  /** SHA-256 of the DER, lower-case hex */
  fingerprint: string;
}

/** The leaf certificate's details, or null when the PEM does not parse. */
export function certificateInfo(pem: string): CertificateInfo | null {
  const certs = parseCertificates(pem);
  if (typeof certs === "string") return null;
  const leaf = certs[0] as X509Certificate;
  return {
    subject: leaf.subject.replace(/\n/g, ", "),
    issuer: leaf.issuer.replace(/\n/g, ", "),
    sans: (leaf.subjectAltName ?? "")
      .split(/,\s*/)
      .filter((s) => s !== "")
      .map((s) => s.replace(/^[A-Za-z ]+:/, "")),
    not_before: new Date(leaf.validFrom).toISOString(),
    not_after: new Date(leaf.validTo).toISOString(),
    key_type: leaf.publicKey.asymmetricKeyType ?? "unknown",
    fingerprint: createHash("sha256").update(leaf.raw).digest("hex"),
  };
}

/** Kong's `cert_digest` of a CA certificate: SHA-256 of its (first) DER, lower-case hex. */
export function certificateDigest(pem: string): string | null {
  const certs = parseCertificates(pem);
  if (typeof certs === "string") return null;
  return createHash("sha256")
    .update((certs[0] as X509Certificate).raw)
    .digest("hex");
}

/** A CA certificate (Kong: `ca_certificates[].cert`): null when usable, else the reason. */
export function checkCaCertificate(pem: string): string | null {
  const certs = parseCertificates(pem);
  if (typeof certs === "string") return certs;
  return (certs[0] as X509Certificate).ca ? null : ERR_NOT_CA;
}

/** The key type of a certificate (for `cert_alt`: it must differ from `cert`'s). */
export function certificateKeyType(pem: string): string | null {
  const certs = parseCertificates(pem);
  if (typeof certs === "string") return null;
  return (certs[0] as X509Certificate).publicKey.asymmetricKeyType ?? null;
}

/**
 * An SNI name (Kong's `snis[].name`): a hostname, or a wildcard in the leftmost label
 * (`*.example.com`). Lower-cased; null when refused.
 */
export function sniName(raw: string): string | null {
  const name = raw.toLowerCase();
  const host = name.startsWith("*.") ? name.slice(2) : name;
  if (host.includes("*") || host.endsWith(".") || isIP(host) !== 0) return null;
  if (!hostnameRe.test(host) || (name.startsWith("*.") && !host.includes("."))) return null;
  return name;
}
