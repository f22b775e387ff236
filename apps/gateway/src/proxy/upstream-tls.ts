/**
 * TLS towards an https upstream (Kong's service `tls_verify`, `tls_verify_depth`,
 * `ca_certificates`, `client_certificate`): the agent options, and a key that tells agents with
 * other material apart. A certificate that fails verification fails the connection (a 502
 * GH_UPSTREAM_TLS through the error path), never a silent pass.
 */
import { createHash } from "node:crypto";
import { checkServerIdentity } from "node:tls";
import type { DetailedPeerCertificate, PeerCertificate } from "node:tls";

export interface UpstreamTls {
  /** PEM CA certificates the upstream's certificate must chain to; null = the system's */
  ca: string[] | null;
  /** the client certificate and key presented to the upstream (mutual TLS) */
  cert: string | null;
  key: string | null;
  /** the longest certificate chain accepted above the upstream's own (OpenSSL's verify depth) */
  verifyDepth: number | null;
}

/** A short digest of the material: agents (and their pooled connections) are per material. */
export function upstreamTlsKey(tls: UpstreamTls | undefined): string {
  if (tls === undefined) return "";
  return createHash("sha256")
    .update(JSON.stringify([tls.ca, tls.cert, tls.key, tls.verifyDepth]))
    .digest("hex")
    .slice(0, 16);
}

/** How many certificates are above the upstream's own in the chain it presented. */
function chainDepth(cert: PeerCertificate): number {
  let depth = 0;
  let current = cert as DetailedPeerCertificate;
  while (
    current.issuerCertificate !== undefined &&
    current.issuerCertificate.fingerprint256 !== current.fingerprint256
  ) {
    depth++;
    current = current.issuerCertificate;
  }
  return depth;
}

/** The https.Agent options of the material (verification itself is `rejectUnauthorized`). */
export function upstreamTlsOptions(tls: UpstreamTls | undefined) {
  if (tls === undefined) return {};
  const depth = tls.verifyDepth;
  return {
    ...(tls.ca !== null ? { ca: tls.ca } : {}),
    ...(tls.cert !== null && tls.key !== null ? { cert: tls.cert, key: tls.key } : {}),
    ...(depth !== null
      ? {
          checkServerIdentity: (host: string, cert: PeerCertificate): Error | undefined => {
            const error = checkServerIdentity(host, cert);
            if (error !== undefined) return error;
            if (chainDepth(cert) <= depth) return undefined;
            return Object.assign(
              new Error(
                `the upstream's certificate chain is longer than tls_verify_depth ${depth}`,
              ),
              { code: "ERR_TLS_CERT_CHAIN_TOO_LONG" },
            );
          },
        }
      : {}),
  };
}
