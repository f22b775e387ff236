/**
 * The proxy listener: a Node `http.Server` whose requests go straight to the pipeline (raw
 * req/res), wrapped in a Fastify instance that owns its lifecycle and logger; HTTP limits,
 * connection caps, socket-level answers to broken requests and CONNECT.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createSecureServer } from "node:http2";
import type { Http2SecureServer, Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import Fastify, { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics.js";
import { compileTrustedProxies } from "../proxy/index.js";
import type { TrustedProxies } from "../proxy/index.js";
import { sendError } from "../pipeline/respond.js";
import {
  CONNECT_ALLOW,
  CONNECT_ALLOW_METHODS,
  clientErrorHandler,
  socketAnswer,
} from "./client-errors.js";
import { deferContinue } from "./expect-continue.js";
import { DEFAULT_LINGER_BYTES, DEFAULT_LINGER_MS, withLinger } from "./linger.js";
import { H2Request, H2Response, requestTimeout, trackSessions } from "./h2.js";
import { requireProxyProtocol } from "./proxy-protocol.js";
import { logHandshakeError, tlsServerOptions } from "./tls-server.js";
import {
  hasRequestBody,
  isWebSocketRequest,
  responseOnSocket,
  trackUpgradeSocket,
} from "./upgrade.js";
import type { TlsListenerOptions } from "./tls-server.js";
import {
  DEFAULT_CLOSE_GRACE_MS,
  defaultMaxConnections,
  defaultMaxConnectionsPerIp,
  endThenDestroy,
  limitConnections,
} from "./connections.js";

export interface ProxyLimits {
  /** bytes of request line + headers; above → 431 (default 16 KiB) */
  maxHeaderSize?: number;
  /** ms to receive the whole request; above → 408 (default 60 s) */
  requestTimeout?: number;
  /** ms to receive the request headers; above → 408 (default 20 s) */
  headersTimeout?: number;
  /** ms an idle keep-alive client connection stays open (default 5 s) */
  keepAliveTimeout?: number;
  /** client connections open at once (default: half the open-files limit, at most 10,000) */
  maxConnections?: number;
  /** client connections open at once from one address, trusted proxies exempt (default 256, or a quarter of maxConnections when lower; 0 = no cap) */
  maxConnectionsPerIp?: number;
  /** ms a client gets to read an error answer and close before its socket is destroyed (default 2 s) */
  closeGrace?: number;
  /**
   * after an answer sent before the request body was read (a refusal): ms and bytes of the rest read and
   * discarded so the client gets the answer, then the connection is closed (default 30 s, 64 MiB)
   */
  lingerTime?: number;
  lingerBytes?: number;
}

export interface ProxyServerOptions {
  log: Logger;
  metrics: GatewayMetrics;
  limits: ProxyLimits;
  /** GATEHOUSE_TRUSTED_PROXIES: exempt from the per-address cap */
  trustedProxies: string[];
  /** every proxied request */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  /** a WebSocket handshake: `res` answers it on its socket unless it is upgraded (net/upgrade.ts) */
  upgrade?: (req: IncomingMessage, res: ServerResponse, head: Buffer) => void;
  /**
   * a TLS listener: the certificates of the running snapshot, chosen per connection by SNI;
   * HTTP/2 and HTTP/1.1 by ALPN on the same port (h2 requests reach `handle` adapted, see h2.ts)
   */
  tls?: TlsListenerOptions;
  /**
   * every connection starts with a PROXY protocol header (v1 or v2), read before HTTP or TLS
   * (net/proxy-protocol.ts); without a valid one within the headers timeout it is closed
   */
  proxyProtocol?: boolean;
}

const ignoreSocketError = (): void => undefined;

/** streams one h2 connection may have open at once (nginx's http2_max_concurrent_streams) */
export const H2_MAX_CONCURRENT_STREAMS = 128;

/**
 * The TLS listener: node:http2's secure server with HTTP/1.1 allowed (ALPN `h2`, `http/1.1`; a
 * client without ALPN gets HTTP/1.1). Its HTTP/1.1 connections get the same limits as the plain
 * listener's (node:http reads them from the server object).
 */
function createTlsServer(
  opts: ProxyServerOptions & { tls: TlsListenerOptions },
  httpOptions: {
    maxHeaderSize: number;
    requestTimeout: number;
    headersTimeout: number;
    keepAliveTimeout: number;
    connectionsCheckingInterval: number;
  },
): Http2SecureServer {
  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const req = request as unknown as Http2ServerRequest;
    if (req instanceof H2Request) requestTimeout(req, response, httpOptions.requestTimeout);
    opts.handle(request, response);
  };
  const s = createSecureServer(
    {
      ...tlsServerOptions(opts.tls, opts.log),
      allowHTTP1: true,
      Http2ServerRequest: H2Request,
      Http2ServerResponse: H2Response,
      settings: {
        maxConcurrentStreams: H2_MAX_CONCURRENT_STREAMS,
        maxHeaderListSize: httpOptions.maxHeaderSize,
      },
    },
    onRequest as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  );
  s.on("checkContinue", deferContinue(onRequest));
  Object.assign(s, httpOptions, { requireHostHeader: true });
  trackSessions(s, { idleTimeout: httpOptions.keepAliveTimeout });
  return s;
}

export function buildProxyServer(options: ProxyServerOptions): FastifyInstance {
  const { limits, metrics } = options;
  const opts: ProxyServerOptions = {
    ...options,
    handle: withLinger(options.handle, {
      ms: limits.lingerTime ?? DEFAULT_LINGER_MS,
      bytes: limits.lingerBytes ?? DEFAULT_LINGER_BYTES,
    }),
  };
  const maxConnections = limits.maxConnections ?? defaultMaxConnections();
  const maxConnectionsPerIp =
    limits.maxConnectionsPerIp ?? defaultMaxConnectionsPerIp(maxConnections);
  metrics.connectionsLimit.set({ limit: "max_connections" }, maxConnections);
  metrics.connectionsLimit.set({ limit: "max_connections_per_ip" }, maxConnectionsPerIp);
  const closeGrace = limits.closeGrace ?? DEFAULT_CLOSE_GRACE_MS;
  const onForced = () => metrics.connectionsForcedClosed.inc();
  const onClientError = clientErrorHandler(closeGrace, onForced);
  let exempt: TrustedProxies;
  try {
    exempt = compileTrustedProxies(opts.trustedProxies);
  } catch {
    exempt = compileTrustedProxies([]); // the config compile reports the bad entry
  }

  let server: Server | undefined;
  const proxy = Fastify({
    loggerInstance: opts.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: false,
    serverFactory: (fastifyHandler) => {
      const httpOptions = {
        maxHeaderSize: limits.maxHeaderSize ?? 16 * 1024,
        requestTimeout: limits.requestTimeout ?? 60_000,
        headersTimeout: limits.headersTimeout ?? 20_000,
        keepAliveTimeout: limits.keepAliveTimeout ?? 5_000,
        connectionsCheckingInterval: 1_000,
      };
      // Proxied traffic goes straight to the pipeline (raw req/res, streaming bodies); Fastify
      // owns the server's lifecycle and logger. See README "Why the proxy port bypasses Fastify's router".
      const s: Server = opts.tls
        ? (createTlsServer({ ...opts, tls: opts.tls }, httpOptions) as unknown as Server)
        : createServer(httpOptions, opts.handle).on("checkContinue", deferContinue(opts.handle));
      void fastifyHandler;
      if (opts.proxyProtocol) {
        requireProxyProtocol(s, {
          timeoutMs: httpOptions.headersTimeout,
          onRefused: (peer, reason, late) => {
            metrics.connectionsRefused.inc({ reason: "proxy_protocol" });
            // a client that never sends a byte (idle preconnect) is no misconfiguration
            opts.log[late ? "debug" : "warn"](
              { peer, reason },
              "connection closed: no valid PROXY protocol header",
            );
          },
        });
      }
      limitConnections(s, {
        maxConnections,
        maxConnectionsPerIp,
        exempt: (address) => exempt.contains(address),
        onRefused: (reason) => metrics.connectionsRefused.inc({ reason }),
      });
      const others = opts.tls ? metrics.openConnections : () => Promise.resolve(0);
      metrics.openConnections = async () =>
        (await others()) +
        (await new Promise<number>((resolve) =>
          s.getConnections((err, n) => resolve(err ? 0 : n)),
        ));
      server = s;
      return s;
    },
  });
  proxy.addHook("onReady", async () => {
    server?.removeAllListeners("clientError");
    server?.on("clientError", onClientError);
    if (opts.tls) {
      const tls = opts.tls;
      // node:http2's own listener would hand handshake errors to `clientError` (an HTTP answer)
      server?.removeAllListeners("tlsClientError");
      server?.on("tlsClientError", (err: Error, socket: TLSSocket) => {
        logHandshakeError(tls, opts.log, err, socket);
      });
    }
    const upgrade = opts.upgrade;
    if (upgrade !== undefined && server !== undefined) {
      const s = server;
      s.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on("error", ignoreSocketError); // Node removed its own handler with the parser
        trackUpgradeSocket(s, socket);
        const answer = () => responseOnSocket(req, socket, closeGrace, onForced);
        if (isWebSocketRequest(req)) upgrade(req, answer(), head);
        else if (!hasRequestBody(req))
          opts.handle(req, answer()); // h2c & co: plain HTTP/1.1
        else {
          const body = socketAnswer(400, "a request asking for an Upgrade cannot carry a body");
          endThenDestroy(socket, body, closeGrace, onForced);
        }
      });
    }
    // CONNECT (authority-form): a gateway is no forward proxy; without a listener Node just closes
    server?.on("connect", (req: IncomingMessage, socket: Duplex | ServerResponse) => {
      if (req instanceof H2Request) {
        // an h2 CONNECT is a stream: answered on it (with the listener, node leaves it to us)
        const res = socket as ServerResponse;
        sendError(req as unknown as IncomingMessage, res, 405, "CONNECT is not supported", {
          allow: CONNECT_ALLOW_METHODS,
        });
        return;
      }
      endThenDestroy(
        socket as Duplex,
        socketAnswer(405, "CONNECT is not supported", CONNECT_ALLOW),
        closeGrace,
        onForced,
      );
    });
  });
  return proxy;
}
