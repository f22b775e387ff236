import "server-only";
import { decryptSecret } from "@gatehouse/db/auth";
import type { Tx } from "@/server/changes/types";
import { requireSecretKey } from "@/server/entities/credentials";

const idOf = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : typeof value === "object" &&
        value !== null &&
        typeof (value as { id?: unknown }).id === "string"
      ? (value as { id: string }).id
      : undefined;

/**
 * The stored certificates a service's `client_certificate` and `ca_certificates` name, as the
 * declarative document holds them: the service is validated in a document with them (and only
 * them), so the shared validator checks its references like a data plane does; an unknown id is
 * refused with its path.
 */
export async function serviceTlsDocument(
  tx: Tx,
  candidate: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const document: Record<string, unknown> = {};
  const cas = Array.isArray(candidate.ca_certificates)
    ? candidate.ca_certificates.filter((id): id is string => typeof id === "string")
    : [];
  if (cas.length > 0) {
    const rows = await tx.caCertificate.findMany({ where: { id: { in: cas } } });
    document.ca_certificates = rows.map((c) => ({ id: c.id, cert: c.cert }));
  }
  const clientId = idOf(candidate.client_certificate);
  if (clientId !== undefined) {
    const row = await tx.certificate.findUnique({ where: { id: clientId } });
    if (row) {
      const key = decryptSecret(row.keyEncrypted, requireSecretKey("certificate private keys"));
      document.certificates = [{ id: row.id, cert: row.cert, key }];
    }
  }
  return document;
}
