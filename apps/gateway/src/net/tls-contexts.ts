/**
 * The certificate set of a config snapshot: one secure context per certificate, built when the
 * snapshot compiles (a bad key fails the compile, never a handshake) and swapped with it, so a push
 * changes the certificates new handshakes get while open connections keep theirs. Chosen per
 * connection by SNI: an exact name, then a wildcard (`*.example.com` for one more label), then the
 * default certificate (the first one without SNIs); with none, the handshake fails.
 */
import { createSecureContext } from "node:tls";
import type { SecureContext } from "node:tls";
import type { NormalizedCertificate } from "@gatehouse/config";

export interface CertificateChoice {
  context: SecureContext;
  /** the certificate's id */
  id: string;
  /** how it was chosen */
  by: "exact" | "wildcard" | "default";
}

export class TlsContexts {
  private readonly exact = new Map<string, { context: SecureContext; id: string }>();
  private readonly wildcard = new Map<string, { context: SecureContext; id: string }>();
  private readonly fallback: { context: SecureContext; id: string } | null = null;
  /** the default certificate's PEMs: what a client that sends no SNI gets (the server's own context) */
  readonly defaultPem: { cert: string | string[]; key: string | string[] } | null = null;

  constructor(certificates: readonly NormalizedCertificate[]) {
    for (const c of certificates) {
      // an ECDSA + RSA pair: OpenSSL serves the one the client's cipher suites take
      const pem = {
        cert: c.certAlt !== null ? [c.cert, c.certAlt] : c.cert,
        key: c.keyAlt !== null ? [c.key, c.keyAlt] : c.key,
      };
      const entry = { id: c.id, context: createSecureContext(pem) };
      for (const name of c.snis) {
        if (name.startsWith("*.")) this.wildcard.set(name.slice(2), entry);
        else this.exact.set(name, entry);
      }
      if (c.snis.length === 0 && this.fallback === null) {
        this.fallback = entry;
        this.defaultPem = pem;
      }
    }
  }

  /** How many certificates there are to choose from (0: every handshake fails). */
  get empty(): boolean {
    return this.exact.size === 0 && this.wildcard.size === 0 && this.fallback === null;
  }

  /** The certificate for a client's server name (undefined/"" when it sent none). */
  select(servername: string | undefined): CertificateChoice | null {
    const name = (servername ?? "").toLowerCase().replace(/\.$/, "");
    if (name !== "") {
      const exact = this.exact.get(name);
      if (exact) return { ...exact, by: "exact" };
      const dot = name.indexOf(".");
      const wild = dot > 0 ? this.wildcard.get(name.slice(dot + 1)) : undefined;
      if (wild) return { ...wild, by: "wildcard" };
    }
    return this.fallback ? { ...this.fallback, by: "default" } : null;
  }
}

/** Thrown by the SNI callback when no certificate fits: the handshake fails with an alert. */
export class NoCertificateError extends Error {
  readonly code = "GH_TLS_NO_CERTIFICATE";
  constructor(readonly servername: string) {
    super(
      servername === ""
        ? "no certificate for a client that sent no server name (SNI), and no default certificate"
        : `no certificate for server name ${JSON.stringify(servername)}, and no default certificate`,
    );
    this.name = "NoCertificateError";
  }
}
