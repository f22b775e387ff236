import "server-only";
import type { NormalizedConfig, NormalizedService } from "@gatehouse/config";
import { stableId } from "@gatehouse/config";
import { decryptSecret, encryptSecret } from "@gatehouse/db/auth";
import type { CaCertificate, Certificate, Sni } from "@gatehouse/db/client";
import { SECRET_MASK } from "@/server/catalog/plugins";
import type { Tx } from "@/server/changes/types";
import { requireSecretKey } from "@/server/entities/credentials";
import type { FieldError } from "@/server/http/errors";
import { validationError } from "@/server/http/errors";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const KEY_FIELDS = ["key", "key_alt"] as const;
const KEYS_WHAT = "certificate private keys";

export const MASKED_KEY_MESSAGE = "is masked: give the real key (export with include_secrets=true)";

/**
 * An export without include_secrets carries SECRET_MASK for the certificates' private keys.
 * Imported back, a masked key keeps the key stored for the certificate with the same id (or the
 * same `cert`); with no such certificate it is a 400 naming the field. Returns a copy of the
 * document with the stored keys in place; nothing is read unless a mask is present.
 */
export async function restoreMaskedCertificateKeys(
  client: Pick<Tx, "certificate">,
  doc: unknown,
): Promise<unknown> {
  const list = (doc as Obj | null)?.certificates;
  if (!Array.isArray(list)) return doc;
  const masked = (c: unknown) => isObj(c) && KEY_FIELDS.some((f) => c[f] === SECRET_MASK);
  if (!list.some(masked)) return doc;
  const rows = await client.certificate.findMany();
  const copy = structuredClone(doc) as Obj;
  const errors: FieldError[] = [];
  const secret = () => requireSecretKey(KEYS_WHAT);
  (copy.certificates as unknown[]).forEach((c, i) => {
    if (!isObj(c) || !masked(c)) return;
    const row =
      rows.find((r) => typeof c.id === "string" && r.id === c.id) ??
      rows.find((r) => r.cert === c.cert);
    for (const field of KEY_FIELDS) {
      if (c[field] !== SECRET_MASK) continue;
      const stored = field === "key" ? row?.keyEncrypted : row?.keyAltEncrypted;
      if (stored) c[field] = decryptSecret(stored, secret());
      else errors.push({ path: `certificates[${i}].${field}`, message: MASKED_KEY_MESSAGE });
    }
  });
  if (errors.length > 0) throw validationError(errors, "the configuration cannot be imported");
  return copy;
}

/** The rows a validated document wants in the TLS tables (ids of existing rows kept). */
export interface TlsTables {
  certificates: Map<string, Obj>;
  snis: Map<string, Obj>;
  caCertificates: Map<string, Obj>;
  /** document certificate id → database id */
  certificateIds: Map<string, string>;
  /** document CA certificate id → database id */
  caCertificateIds: Map<string, string>;
}

/**
 * Matches the document's certificates with the stored ones (by id, else by the same `cert`), SNIs
 * by name, CA certificates by digest, and shapes the rows to write. A key equal to the stored one
 * keeps its ciphertext (encryption is randomized: the row would change on every import).
 */
export function tlsTables(
  doc: unknown,
  config: NormalizedConfig,
  current: { certificates: Certificate[]; snis: Sni[]; caCertificates: CaCertificate[] },
): TlsTables {
  const raw = (doc ?? {}) as Obj;
  const rawCerts = (Array.isArray(raw.certificates) ? raw.certificates : []) as Obj[];
  const out: TlsTables = {
    certificates: new Map(),
    snis: new Map(),
    caCertificates: new Map(),
    certificateIds: new Map(),
    caCertificateIds: new Map(),
  };
  const secret = config.certificates.length > 0 ? requireSecretKey(KEYS_WHAT) : "";
  const keep = (stored: string | null | undefined, key: string | null): string | null => {
    if (key === null) return null;
    return stored && decryptSecret(stored, secret) === key ? stored : encryptSecret(key, secret);
  };
  config.certificates.forEach((c) => {
    const existing =
      current.certificates.find((r) => r.id === c.id) ??
      current.certificates.find((r) => r.cert === c.cert);
    const id = existing?.id ?? c.id;
    out.certificateIds.set(c.id, id);
    out.certificates.set(id, {
      id,
      cert: c.cert,
      keyEncrypted: keep(existing?.keyEncrypted, c.key),
      certAlt: c.certAlt,
      keyAltEncrypted: keep(existing?.keyAltEncrypted, c.keyAlt),
      tags: c.tags,
    });
  });
  // an SNI keeps its row unless its certificate goes (the row would go with it, by cascade)
  const sniByName = new Map(
    current.snis.filter((s) => out.certificates.has(s.certificateId)).map((s) => [s.name, s]),
  );
  config.certificates.forEach((c, i) => {
    const certificateId = out.certificateIds.get(c.id) as string;
    const rawSnis = (Array.isArray(rawCerts[i]?.snis) ? rawCerts[i]?.snis : []) as unknown[];
    c.snis.forEach((name, j) => {
      const entry = rawSnis[j];
      const id =
        sniByName.get(name)?.id ??
        (isObj(entry) && typeof entry.id === "string" ? entry.id : stableId(`sni:${name}`));
      const tags = isObj(entry) && Array.isArray(entry.tags) ? (entry.tags as string[]) : [];
      out.snis.set(id, { id, name, certificateId, tags });
    });
  });
  for (const c of config.caCertificates) {
    const existing =
      current.caCertificates.find((r) => r.id === c.id) ??
      current.caCertificates.find((r) => r.certDigest === c.certDigest);
    const id = existing?.id ?? c.id;
    out.caCertificateIds.set(c.id, id);
    out.caCertificates.set(id, { id, cert: c.cert, certDigest: c.certDigest, tags: c.tags });
  }
  return out;
}

/** A service's TLS references as database ids. */
export function serviceTlsRow(s: NormalizedService, tables: TlsTables) {
  return {
    caCertificates: s.caCertificates.map((id) => tables.caCertificateIds.get(id) ?? id),
    clientCertificateId:
      s.clientCertificate === null
        ? null
        : (tables.certificateIds.get(s.clientCertificate) ?? s.clientCertificate),
  };
}
