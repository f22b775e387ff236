// The TLS entities of the declarative export: `certificates` (with their `snis`, decK's shape),
// `ca_certificates`, and the services' TLS fields. Written only when set, so the documents (and
// hashes) of configurations without them are what they were before these entities existed.
import type {
  ExportedCaCertificate,
  ExportedCertificate,
  ExportedRoute,
  ExportedService,
} from "@gatehouse/config";
import { decryptSecret } from "./auth.js";
import { sealedOf } from "./sealed.js";
import type { SealedSpot } from "./sealed.js";
import type { CaCertificate, Certificate, Route, Service, Sni } from "./generated/prisma/client.js";

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The certificates with their SNIs, sorted by id. Private keys are decrypted with `secretKey`;
 * without it no certificate is written (one without its key is none a data plane can serve).
 * `spots` collects where the clear keys sit, with their sealed forms (see ExportOptions).
 */
export function exportCertificates(
  certificates: Certificate[],
  snis: Sni[],
  secretKey: string | Buffer | undefined,
  spots?: SealedSpot[],
): { certificates?: ExportedCertificate[] } {
  if (certificates.length === 0 || secretKey === undefined) return {};
  return {
    certificates: [...certificates]
      .sort((a, b) => compare(a.id, b.id))
      .map((c) => {
        const entry: ExportedCertificate = {
          id: c.id,
          cert: c.cert,
          key: decryptSecret(c.keyEncrypted, secretKey),
          ...(c.certAlt !== null && c.keyAltEncrypted !== null
            ? { cert_alt: c.certAlt, key_alt: decryptSecret(c.keyAltEncrypted, secretKey) }
            : {}),
          tags: c.tags,
          snis: snis
            .filter((s) => s.certificateId === c.id)
            .sort((a, b) => compare(a.name, b.name))
            .map((s) => ({ id: s.id, name: s.name, tags: s.tags })),
        };
        spots?.push({ parent: entry, key: "key", sealed: sealedOf(c.keyEncrypted) });
        if (entry.key_alt !== undefined && c.keyAltEncrypted !== null) {
          spots?.push({ parent: entry, key: "key_alt", sealed: sealedOf(c.keyAltEncrypted) });
        }
        return entry;
      }),
  };
}

export function exportCaCertificates(rows: CaCertificate[]): {
  ca_certificates?: ExportedCaCertificate[];
} {
  if (rows.length === 0) return {};
  return {
    ca_certificates: [...rows]
      .sort((a, b) => compare(a.id, b.id))
      .map((c) => ({ id: c.id, cert: c.cert, cert_digest: c.certDigest, tags: c.tags })),
  };
}

/** A service's TLS fields, those set. */
export function serviceTlsFields(
  service: Service,
): Pick<
  ExportedService,
  "tls_verify" | "tls_verify_depth" | "ca_certificates" | "client_certificate"
> {
  return {
    ...(service.tlsVerify !== null ? { tls_verify: service.tlsVerify } : {}),
    ...(service.tlsVerifyDepth !== null ? { tls_verify_depth: service.tlsVerifyDepth } : {}),
    ...(service.caCertificates.length > 0 ? { ca_certificates: service.caCertificates } : {}),
    ...(service.clientCertificateId !== null
      ? { client_certificate: { id: service.clientCertificateId } }
      : {}),
  };
}

/** A route's `https_redirect_status_code` when it is not Kong's default 426. */
export function routeRedirectField(
  route: Route,
): Pick<ExportedRoute, "https_redirect_status_code"> {
  const code = route.httpsRedirectStatusCode;
  return code === 301 || code === 302 || code === 307 || code === 308
    ? { https_redirect_status_code: code }
    : {};
}
