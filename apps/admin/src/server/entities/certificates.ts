import "server-only";
import type { CaCertificate, Certificate, Sni } from "@gatehouse/db/client";
import { certificateDigest, certificateInfo, fromZodIssues, sniSchema } from "@gatehouse/config";
import { decryptSecret, encryptSecret } from "@gatehouse/db/auth";
import { SECRET_MASK } from "@/server/catalog/plugins";
import type { Tx } from "@/server/changes/types";
import { BASE_SORT, idRef, timestamps } from "@/server/entities/common";
import { requireSecretKey } from "@/server/entities/credentials";
import type { Resource } from "@/server/entities/resource";
import { cleanInput, merge, refOf, validateEntity } from "@/server/entities/validate";
import type { FieldError } from "@/server/http/errors";
import { validationError } from "@/server/http/errors";

const KEYS_WHAT = "certificate private keys";

/** What the UI shows of a PEM certificate (subject, SANs, issuer, validity), null if unreadable. */
const details = (pem: string) => {
  const info = certificateInfo(pem);
  return info ? { ...info } : null;
};

export const CERTIFICATE_FIELDS = ["cert", "key", "cert_alt", "key_alt", "tags"] as const;

/**
 * A TLS certificate (Kong: certificate). The private keys are stored encrypted (as jwt secrets)
 * and always read back as SECRET_MASK; sending the mask back keeps the stored key. SNIs are
 * managed at /certificates/{id}/snis (or /snis).
 */
export const certificates: Resource<Certificate> = {
  type: "certificate",
  delegate: (tx) => tx.certificate as never,
  fields: CERTIFICATE_FIELDS,
  putField: null,
  sortable: { ...BASE_SORT },
  nameColumn: null,
  scopeWhere: () => ({}),
  keyWhere: (key) => [{ id: key }],
  toApi: (row) => ({
    id: row.id,
    cert: row.cert,
    key: SECRET_MASK,
    cert_alt: row.certAlt,
    key_alt: row.keyAltEncrypted === null ? null : SECRET_MASK,
    tags: row.tags,
    details: details(row.cert),
    ...timestamps(row),
  }),
  async prepare(_tx, input, current) {
    const cleaned = cleanInput(input, CERTIFICATE_FIELDS, ["snis"]);
    for (const field of ["key", "key_alt"]) {
      if (cleaned.values[field] === SECRET_MASK) delete cleaned.values[field];
    }
    const secret = requireSecretKey(KEYS_WHAT);
    const base: Record<string, unknown> = current
      ? {
          cert: current.cert,
          key: decryptSecret(current.keyEncrypted, secret),
          ...(current.certAlt !== null && current.keyAltEncrypted !== null
            ? { cert_alt: current.certAlt, key_alt: decryptSecret(current.keyAltEncrypted, secret) }
            : {}),
          tags: current.tags,
        }
      : {};
    const candidate = merge(base, cleaned);
    validateEntity({ certificates: [candidate] }, "certificates[0]", cleaned.errors);
    const key = candidate.key as string;
    const keyAlt = candidate.key_alt as string | undefined;
    return {
      data: {
        ...(!current && typeof input.id === "string" ? { id: input.id } : {}),
        cert: candidate.cert,
        // a key not sent keeps its ciphertext (encryption is randomized)
        ...(current && cleaned.values.key === undefined
          ? {}
          : { keyEncrypted: encryptSecret(key, secret) }),
        certAlt: (candidate.cert_alt as string | undefined) ?? null,
        ...(keyAlt === undefined
          ? { keyAltEncrypted: null }
          : current && cleaned.values.key_alt === undefined
            ? {}
            : { keyAltEncrypted: encryptSecret(keyAlt, secret) }),
        tags: (candidate.tags as string[] | undefined) ?? [],
      },
    };
  },
  async deleteBlockers(tx, row) {
    const users = await tx.service.findMany({
      where: { clientCertificateId: row.id },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    return { type: "service", names: users.map((s) => s.name) };
  },
};

/** The certificate a body's `certificate` names (`{ id }` or an id), else an error. */
async function resolveCertificate(
  tx: Tx,
  value: unknown,
  errors: FieldError[],
): Promise<string | undefined> {
  const ref = refOf(value);
  const id = typeof value === "string" ? value : ref?.by === "id" ? ref.key : undefined;
  const found =
    id === undefined
      ? null
      : await tx.certificate.findUnique({ where: { id }, select: { id: true } });
  if (!found) {
    errors.push({
      path: "certificate",
      message:
        id === undefined ? 'must be { "id": ... }' : `unknown certificate ${JSON.stringify(id)}`,
    });
  }
  return found?.id;
}

/** A server name of a certificate (Kong: sni): a hostname or `*.example.com`, claimed once. */
export const snis: Resource<Sni> = {
  type: "sni",
  delegate: (tx) => tx.sni as never,
  fields: ["name", "certificate", "tags"],
  putField: "name",
  sortable: { name: "name", ...BASE_SORT },
  nameColumn: "name",
  scopeWhere: (scope) => (scope.certificateId ? { certificateId: scope.certificateId } : {}),
  keyWhere: (key) => [{ id: key }, { name: key.toLowerCase() }],
  toApi: (row) => ({
    id: row.id,
    name: row.name,
    certificate: idRef(row.certificateId),
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(tx, input, current, scope) {
    const cleaned = cleanInput(input, ["name", "certificate", "tags"]);
    const errors = [...cleaned.errors];
    let certificateId = scope.certificateId ?? current?.certificateId;
    if (cleaned.values.certificate !== undefined) {
      const resolved = await resolveCertificate(tx, cleaned.values.certificate, errors);
      if (resolved !== undefined && scope.certificateId && resolved !== scope.certificateId) {
        errors.push({
          path: "certificate",
          message: "must be the certificate of this path (or left out)",
        });
      } else if (resolved !== undefined) certificateId = resolved;
    } else if (certificateId === undefined) {
      errors.push({ path: "certificate", message: "is required" });
    }
    const candidate = merge(current ? { name: current.name, tags: current.tags } : {}, cleaned);
    const parsed = sniSchema.safeParse({ name: candidate.name, tags: candidate.tags });
    if (!parsed.success) errors.push(...fromZodIssues(parsed.error.issues));
    const name = typeof candidate.name === "string" ? candidate.name.toLowerCase() : "";
    if (parsed.success) {
      const other = await tx.sni.findUnique({
        where: { name },
        select: { id: true, certificateId: true },
      });
      if (other && other.id !== current?.id) {
        errors.push({
          path: "name",
          message: `SNI ${JSON.stringify(name)} is already claimed by certificate ${other.certificateId}`,
        });
      }
    }
    if (errors.length > 0) throw validationError(errors);
    return {
      data: {
        ...(!current && typeof input.id === "string" ? { id: input.id } : {}),
        name,
        certificateId,
        tags: (candidate.tags as string[] | undefined) ?? [],
      },
    };
  },
};

/** A CA certificate (Kong: ca_certificate) upstream certificates are verified against. */
export const caCertificates: Resource<CaCertificate> = {
  type: "ca_certificate",
  delegate: (tx) => tx.caCertificate as never,
  fields: ["cert", "cert_digest", "tags"],
  putField: null,
  sortable: { ...BASE_SORT },
  nameColumn: null,
  scopeWhere: () => ({}),
  keyWhere: (key) => [{ id: key }],
  toApi: (row) => ({
    id: row.id,
    cert: row.cert,
    cert_digest: row.certDigest,
    tags: row.tags,
    details: details(row.cert),
    ...timestamps(row),
  }),
  async prepare(tx, input, current) {
    const cleaned = cleanInput(input, ["cert", "cert_digest", "tags"]);
    const candidate = merge(current ? { cert: current.cert, tags: current.tags } : {}, cleaned);
    if (cleaned.values.cert !== undefined && cleaned.values.cert_digest === undefined) {
      delete candidate.cert_digest;
    }
    validateEntity({ ca_certificates: [candidate] }, "ca_certificates[0]", cleaned.errors);
    const digest = certificateDigest(candidate.cert as string) as string;
    const other = await tx.caCertificate.findUnique({ where: { certDigest: digest } });
    if (other && other.id !== current?.id) {
      throw validationError([
        { path: "cert", message: `this CA certificate is already stored (${other.id})` },
      ]);
    }
    return {
      data: {
        ...(!current && typeof input.id === "string" ? { id: input.id } : {}),
        cert: candidate.cert,
        certDigest: digest,
        tags: (candidate.tags as string[] | undefined) ?? [],
      },
    };
  },
  async deleteBlockers(tx, row) {
    const users = await tx.service.findMany({
      where: { caCertificates: { has: row.id } },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    return { type: "service", names: users.map((s) => s.name) };
  },
};
