/**
 * The TLS listener's handshakes: the certificate comes from the running snapshot (SNICallback for
 * a client that sends a server name, the server's own context, set on every apply, for one that
 * sends none). No certificate fits: the handshake fails with one clear log line, never a crash.
 */
import type { ServerOptions } from "node:https";
import type { SecureContext, TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { NoCertificateError } from "./tls-contexts.js";
import type { TlsContexts } from "./tls-contexts.js";

export interface TlsListenerOptions {
  /** the running snapshot's certificates (null before a config is loaded) */
  contexts: () => TlsContexts | null;
}

export function tlsServerOptions(opts: TlsListenerOptions, log: Logger): ServerOptions {
  return {
    SNICallback: (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => {
      const choice = opts.contexts()?.select(servername) ?? null;
      if (choice === null) {
        const err = new NoCertificateError(servername);
        log.warn({ code: err.code, servername }, `TLS handshake refused: ${err.message}`);
        cb(err);
        return;
      }
      cb(null, choice.context);
    },
  };
}

/** A failed handshake: logged (debug: scanners fail handshakes all day) unless already told. */
export function logHandshakeError(
  opts: TlsListenerOptions,
  log: Logger,
  err: Error,
  socket: TLSSocket,
): void {
  if (err instanceof NoCertificateError) return; // logged where it was decided
  const servername = (socket as TLSSocket & { servername?: string | false }).servername;
  if (!servername && opts.contexts()?.select(undefined) == null) {
    const refused = new NoCertificateError("");
    log.warn({ code: refused.code }, `TLS handshake refused: ${refused.message}`);
    return;
  }
  log.debug({ err: err.message, code: (err as { code?: unknown }).code }, "TLS handshake failed");
}
