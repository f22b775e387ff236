/**
 * The proxy listener: a Node `http.Server` whose requests go straight to the pipeline (raw
 * req/res), wrapped in a Fastify instance that owns its lifecycle and logger; HTTP limits,
 * connection caps, socket-level answers to broken requests and CONNECT.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import Fastify, { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { GatewayMetrics } from "../metrics.js";
import { compileTrustedProxies } from "../proxy/index.js";
import type { TrustedProxies } from "../proxy/index.js";
import { CONNECT_ALLOW, clientErrorHandler, socketAnswer } from "./client-errors.js";
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
}

export interface ProxyServerOptions {
  log: Logger;
  metrics: GatewayMetrics;
  limits: ProxyLimits;
  /** GATEHOUSE_TRUSTED_PROXIES: exempt from the per-address cap */
  trustedProxies: string[];
  /** every proxied request */
  handle: (req: IncomingMessage, res: ServerResponse) => void;
}

export function buildProxyServer(opts: ProxyServerOptions): FastifyInstance {
  const { limits, metrics } = opts;
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
      const s = createServer(
        {
          maxHeaderSize: limits.maxHeaderSize ?? 16 * 1024,
          requestTimeout: limits.requestTimeout ?? 60_000,
          headersTimeout: limits.headersTimeout ?? 20_000,
          keepAliveTimeout: limits.keepAliveTimeout ?? 5_000,
          connectionsCheckingInterval: 1_000,
        },
        // Proxied traffic goes straight to the pipeline (raw req/res, streaming bodies); Fastify
        // owns the server's lifecycle and logger. See README "Why the proxy port bypasses Fastify's router".
        opts.handle,
      );
      void fastifyHandler;
      limitConnections(s, {
        maxConnections,
        maxConnectionsPerIp,
        exempt: (address) => exempt.contains(address),
        onRefused: (reason) => metrics.connectionsRefused.inc({ reason }),
      });
      metrics.openConnections = () =>
        new Promise((resolve) => s.getConnections((err, n) => resolve(err ? 0 : n)));
      server = s;
      return s;
    },
  });
  proxy.addHook("onReady", async () => {
    server?.removeAllListeners("clientError");
    server?.on("clientError", onClientError);
    // CONNECT (authority-form): a gateway is no forward proxy; without a listener Node just closes
    server?.on("connect", (_req: IncomingMessage, socket: Duplex) =>
      endThenDestroy(
        socket,
        socketAnswer(405, "CONNECT is not supported", CONNECT_ALLOW),
        closeGrace,
        onForced,
      ),
    );
  });
  return proxy;
}
