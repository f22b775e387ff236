import { request as httpsRequest } from "node:https";
import type { Agent } from "node:https";
import { connect } from "node:tls";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { Reply } from "../helpers.js";

/** The port of a URL. */
export const portOf = (url: string): number => Number(new URL(url).port);

/**
 * A TLS handshake with the gateway's TLS listener: the certificate it presents for `servername`
 * (none sent when undefined), or the handshake's error.
 */
export function handshake(
  tlsUrl: string,
  servername: string | undefined,
): Promise<{ cert: PeerCertificate } | { error: Error }> {
  return new Promise((resolve) => {
    const socket: TLSSocket = connect({
      host: "127.0.0.1",
      port: portOf(tlsUrl),
      rejectUnauthorized: false,
      ...(servername === undefined ? {} : { servername }),
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve({ cert });
    });
    socket.once("error", (error) => resolve({ error }));
  });
}

/** The subject CN the gateway presents for `servername`, or "error: ..." when the handshake fails. */
export async function presentedCn(tlsUrl: string, servername: string | undefined): Promise<string> {
  const r = await handshake(tlsUrl, servername);
  return "cert" in r ? String(r.cert.subject.CN) : `error: ${r.error.message}`;
}

/** One HTTPS request to the gateway (certificate not checked), with `servername` as SNI and Host. */
export function sendTls(
  url: string,
  opts: {
    servername?: string;
    headers?: Record<string, string>;
    agent?: Agent;
    /** ALPN protocols offered (none by default) */
    alpn?: string[];
  } = {},
): Promise<Reply & { socket: TLSSocket }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        rejectUnauthorized: false,
        agent: opts.agent ?? false,
        ...(opts.servername ? { servername: opts.servername } : {}),
        ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
        headers: { ...(opts.servername ? { host: opts.servername } : {}), ...opts.headers },
      },
      (res) => {
        // taken now: a keep-alive agent takes the socket back once the response ends
        const socket = res.socket as TLSSocket;
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: () => JSON.parse(text) as unknown,
            socket,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}
