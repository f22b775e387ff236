/**
 * The proxy listeners of one gateway process: HTTP/1.1 on `--listen`, and TLS on `--listen-tls`
 * (HTTP/2 and HTTP/1.1 by ALPN), both built by proxy-server.ts with the same limits, requests and
 * WebSocket handshakes handed to the pipeline; bound (retrying while a predecessor drains the
 * ports), and drained at shutdown.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics.js";
import { bindRetrying } from "./listen.js";
import { buildProxyServer } from "./proxy-server.js";
import type { ProxyLimits } from "./proxy-server.js";
import type { TlsListenerOptions } from "./tls-server.js";
import { destroyPendingProxyHeaders } from "./proxy-protocol.js";
import type { ProxyProtocolListeners } from "./proxy-protocol.js";
import { destroyUpgradeSockets } from "./upgrade.js";

export interface Address {
  host: string;
  port: number;
}

export interface ProxyListenersOptions {
  log: Logger;
  metrics: GatewayMetrics;
  limits: ProxyLimits;
  trustedProxies: string[];
  /** the request pipeline (pipeline/handler.ts) */
  handler: {
    handle: (req: IncomingMessage, res: ServerResponse) => void;
    handleUpgrade: (req: IncomingMessage, res: ServerResponse, head: Buffer) => void;
  };
  /** --listen */
  listen: Address;
  /** --listen-tls and the certificates of the running snapshot; undefined = no TLS listener */
  listenTls: Address | undefined;
  tls: TlsListenerOptions;
  /** listeners whose connections start with a PROXY protocol header (net/proxy-protocol.ts) */
  proxyProtocol?: ProxyProtocolListeners;
}

/** `http://host:port` (IPv6 hosts bracketed). */
export function listenerUrl(scheme: string, a: Address): string {
  return `${scheme}://${a.host.includes(":") ? `[${a.host}]` : a.host}:${a.port}`;
}

/** The port `listener` is bound to (0 when not bound), with the host it was asked to listen on. */
export function boundAddress(listener: FastifyInstance, host: string): Address {
  const a = listener.server.address();
  return a !== null && typeof a === "object" ? { host, port: a.port } : { host, port: 0 };
}

export interface BoundListeners {
  proxyUrl: string;
  proxy: Address;
  proxyTlsUrl?: string;
  proxyTls?: Address;
}

/**
 * Stop accepting; idle keep-alive connections go now, in-flight requests and relayed WebSockets
 * get `grace` ms;
 * keep-alive clients get `Connection: close` on their next answer and reconnect to a successor.
 */
async function drain(listener: FastifyInstance, grace: number): Promise<void> {
  const s = listener.server;
  const closing = listener.close();
  s.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
    res.shouldKeepAlive = false;
  });
  s.closeIdleConnections();
  destroyPendingProxyHeaders(s); // no request came in on them yet
  const timer = setTimeout(() => {
    s.closeAllConnections();
    destroyUpgradeSockets(s); // relayed WebSockets (no longer HTTP connections for Node)
  }, grace);
  timer.unref();
  await closing;
  clearTimeout(timer);
}

export class ProxyListeners {
  readonly proxy: FastifyInstance;
  /** the TLS listener (when `listenTls` is set) */
  readonly proxyTls: FastifyInstance | undefined;
  /** the proxy listener's port (X-Forwarded-Port): the configured one until bound */
  port: number;
  /** the TLS listener's port (X-Forwarded-Port of its requests, the https redirects' port) */
  tlsPort: number;

  constructor(private readonly opts: ProxyListenersOptions) {
    const { log, metrics, limits, trustedProxies, handler } = opts;
    const common = {
      log,
      metrics,
      limits,
      trustedProxies,
      handle: (req: IncomingMessage, res: ServerResponse) => handler.handle(req, res),
      upgrade: handler.handleUpgrade,
    };
    const pp = opts.proxyProtocol ?? {};
    this.proxy = buildProxyServer({ ...common, proxyProtocol: pp.listen === true });
    this.proxyTls = opts.listenTls
      ? buildProxyServer({ ...common, tls: opts.tls, proxyProtocol: pp.listenTls === true })
      : undefined;
    this.port = opts.listen.port;
    this.tlsPort = opts.listenTls?.port ?? 443;
  }

  /** A client that sends no SNI gets the TLS server's own context: the default certificate. */
  setDefaultCertificate(pem: { cert: string | string[]; key: string | string[] } | null): void {
    (this.proxyTls?.server as HttpsServer | undefined)?.setSecureContext(pem ?? {});
  }

  /** Bind the proxy listener, then the TLS one (when built), each retrying while its address is in use. */
  async bind(retry: Parameters<typeof bindRetrying>[1]): Promise<BoundListeners> {
    const { proxy, proxyTls } = this;
    const { listen, listenTls } = this.opts;
    const proxyUrl = await bindRetrying(() => proxy.listen(listen), retry);
    const bound: BoundListeners = { proxyUrl, proxy: boundAddress(proxy, listen.host) };
    this.port = bound.proxy.port;
    if (proxyTls && listenTls) {
      await bindRetrying(() => proxyTls.listen(listenTls), retry);
      bound.proxyTls = boundAddress(proxyTls, listenTls.host);
      this.tlsPort = bound.proxyTls.port;
      bound.proxyTlsUrl = listenerUrl("https", bound.proxyTls);
    }
    return bound;
  }

  /** Drain both proxy listeners at once (both ports are free together for a successor). */
  async drain(grace: number): Promise<void> {
    const { proxy, proxyTls } = this;
    await Promise.all([proxy, ...(proxyTls ? [proxyTls] : [])].map((p) => drain(p, grace)));
  }
}
