import { unmapIPv4 } from "@gatehouse/config";
import type { RealIpSettings } from "@gatehouse/config";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { DEBUG_HEADER } from "@gatehouse/config";
import type { Chain, KitLogger } from "@gatehouse/plugin-kit";
import type { RequestInfo } from "@gatehouse/plugin-kit/runtime";
import { createTransaction, runPipeline } from "@gatehouse/plugin-kit/runtime";
import type { Logger } from "pino";
import { safeEqual } from "../cluster/auth.js";
import type { GatewayMetrics } from "../metrics.js";
import {
  forward,
  forwardUpgrade,
  forwardableRawHeaders,
  forwardedHeaders,
  refuseBadFraming,
} from "../proxy/index.js";
import type { ForwardedHeaders, FramingError } from "../proxy/index.js";
import { requestHashKey } from "../proxy/balancer/hash-key.js";
import { normalizeTarget } from "../router/route-table.js";
import { protocolRefusal } from "./protocols.js";
import { H2Request, connectionSocket } from "../net/h2.js";
import type { GatewaySnapshot, RouteEntry } from "../config/snapshot.js";
import type { ConfigState } from "../config/state.js";
import { readBody } from "./body.js";
import type { ExchangeContext } from "./exchange.js";
import { Exchange, connectionOf } from "./exchange.js";
import { sendError } from "./respond.js";

export const NO_ROUTE_MESSAGE = "no Route matched with those values";
export const NOT_READY_MESSAGE = "this data plane has no configuration yet (not ready)";
/** cap for a body a plugin reads when the route sets no max_body_size */
const DEFAULT_READ_LIMIT = 16 * 1024 * 1024;
/** request headers the gateway sets itself (or never forwards: the debug token) on the fast path */
const REPLACED = new Set([
  DEBUG_HEADER,
  "host",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
  "x-forwarded-port",
  "x-real-ip",
]);

function writeFramingError(res: ServerResponse, framing: FramingError): void {
  sendError(res.req, res, framing.status, framing.reason, { connection: "close" });
}

export interface HandlerOptions {
  state: ConfigState<GatewaySnapshot>;
  metrics: GatewayMetrics;
  log: Logger;
  /** GATEHOUSE_DEBUG_TOKEN; undefined → tracing off, no work per request */
  debugToken: string | undefined;
  /** port of the proxy listener (X-Forwarded-Port) */
  port: number;
  /** port of the TLS listener (X-Forwarded-Port of its requests, the https redirects' port) */
  tlsPort: number;
  /** Kong's real_ip_header / real_ip_recursive */
  realIp: RealIpSettings;
}

function onFinished(this: ServerResponse): void {
  const ex = (this as ServerResponse & { [kExchange]?: Exchange })[kExchange];
  if (ex !== undefined) ex.finished();
}
const kExchange = Symbol("gatehouse.exchange");

/** The data-plane request pipeline over raw req/res (bodies stream; nothing parsed that needn't be). */
export class Handler {
  private readonly kitLog: KitLogger;
  private readonly ctx: ExchangeContext;

  constructor(private readonly opts: HandlerOptions) {
    this.kitLog = opts.log as unknown as KitLogger;
    this.ctx = {
      log: opts.log,
      accessLog: opts.log.isLevelEnabled("info"),
      metrics: opts.metrics,
      noneMetrics: opts.metrics.forRoute("none"),
    };
  }

  /** The listener a request came in on: its scheme and port. */
  private listenerOf(req: IncomingMessage): { scheme: "http" | "https"; port: number } {
    return (req.socket as TLSSocket).encrypted === true
      ? { scheme: "https", port: this.opts.tlsPort }
      : { scheme: "http", port: this.opts.port };
  }

  /** The request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.start(req, res, undefined);
  };

  /**
   * A WebSocket handshake (net/upgrade.ts): routed and run through rewrite/access like any
   * request; `res` (on the socket) answers it unless the upstream's 101 is relayed.
   */
  readonly handleUpgrade = (req: IncomingMessage, res: ServerResponse, head: Buffer): void => {
    this.start(req, res, { socket: req.socket, head });
  };

  private start(req: IncomingMessage, res: ServerResponse, upgrade: Exchange["upgrade"]): void {
    const ex = new Exchange(this.ctx, req, res, performance.now());
    ex.upgrade = upgrade;
    (res as ServerResponse & { [kExchange]?: Exchange })[kExchange] = ex;
    res.on("close", onFinished);
    try {
      this.route(ex);
    } catch (err) {
      ex.internalError(err);
    }
  }

  private route(ex: Exchange): void {
    const { req, res } = ex;
    const snap = this.opts.state.current; // captured once: this request keeps this snapshot
    if (snap === null) {
      sendError(req, res, 503, NOT_READY_MESSAGE);
      return;
    }
    ex.redact = snap.logRedaction;
    // 400 on ambiguous framing; also drops requests pipelined behind a refused one (HTTP/1.x:
    // h2 frames its messages itself, and its requests come adapted, net/h2.ts)
    if (!(req instanceof H2Request) && refuseBadFraming(req, res, writeFramingError)) return;
    const norm = normalizeTarget(req.url ?? "/");
    if (!norm.ok) {
      sendError(req, res, 400, `bad request: ${norm.reason}`);
      return;
    }
    const rawQuery = norm.query;
    const path = norm.path;
    // absolute-form (`GET http://host/path`): its authority replaces Host (RFC 9112 3.2.2, as nginx)
    if (norm.authority !== undefined) req.headers.host = norm.authority;
    const host = req.headers.host ?? "";
    const method = req.method ?? "GET";
    const m = snap.router.match(method, host, path, req.headers);
    if (m === undefined) {
      // Kong runs the global plugins on a request no route matches (rewrite, then the 404 in place
      // of access, header_filter, body_filter, log), a WebSocket handshake too (its answer goes on
      // its socket, net/upgrade.ts); none configured: nothing to run
      const globals = snap.chains.forRoute(null, null);
      if (globals.isEmpty) {
        sendError(req, res, 404, NO_ROUTE_MESSAGE);
        return;
      }
      ex.fwd = forwardedHeaders(req, {
        trustedProxies: snap.trustedProxies,
        realIp: this.opts.realIp,
        ...this.listenerOf(req),
      });
      ex.path = path;
      ex.rawQuery = rawQuery;
      this.withPlugins(ex, snap, undefined, globals, method, host, path, rawQuery).catch(
        (err: unknown) => ex.internalError(err),
      );
      return;
    }
    const entry = m.entry;
    ex.entry = entry;
    ex.routeLabel = entry.label;
    ex.routeMetrics = entry.metrics ??= this.ctx.metrics.forRoute(entry.label);
    const given = req.headers[DEBUG_HEADER];
    if (given !== undefined) {
      delete req.headers[DEBUG_HEADER]; // the token never reaches plugins or the upstream
      const debugToken = this.opts.debugToken;
      if (debugToken !== undefined && typeof given === "string" && safeEqual(given, debugToken)) {
        ex.trace = true;
        ex.traceRoute = entry.label;
      }
    }
    const { scheme, port } = this.listenerOf(req);
    const refusal = protocolRefusal(
      entry.route,
      scheme,
      { host, url: req.url ?? "/" },
      this.opts.tlsPort,
    );
    if (refusal !== null) {
      ex.source = "error";
      const message = refusal.status === 404 ? NO_ROUTE_MESSAGE : refusal.message;
      sendError(req, res, refusal.status, message, refusal.headers);
      return;
    }
    const limit = entry.maxBodySize;
    if (limit !== null) {
      const cl = req.headers["content-length"];
      if (cl !== undefined && Number(cl) > limit) {
        sendError(req, res, 413, `request body is larger than ${limit} bytes`, {
          connection: "close",
        });
        return;
      }
    }
    const fixed = entry.staticResponse;
    if (fixed !== null && !ex.trace) {
      // a request-termination answer recorded from an earlier run of this chain
      ex.source = "exit";
      res.writeHead(fixed.status, fixed.headers);
      res.end(method === "HEAD" ? undefined : fixed.body);
      return;
    }
    const fwd = forwardedHeaders(req, {
      trustedProxies: snap.trustedProxies,
      realIp: this.opts.realIp,
      scheme,
      port,
    });
    ex.fwd = fwd; // the access log's client, on either path
    const search = rawQuery === "" ? "" : `?${rawQuery}`;
    if (entry.chain.isEmpty && (limit === null || req.headers["transfer-encoding"] === undefined)) {
      // fast path: no plugin, no Transaction
      if (entry.upstream === null) {
        ex.source = "error";
        sendError(
          req,
          res,
          503,
          `route ${JSON.stringify(entry.label)} has no service and no plugin answered the request`,
          ex.traceHeaders(),
        );
        return;
      }
      const rawHeaders = forwardableRawHeaders(req.rawHeaders, req.headers.connection, REPLACED);
      rawHeaders.push(
        "host",
        entry.route.preserveHost && host !== "" ? host : entry.upstreamHost,
        "x-forwarded-for",
        fwd["x-forwarded-for"],
        "x-forwarded-proto",
        fwd["x-forwarded-proto"],
        "x-forwarded-host",
        fwd["x-forwarded-host"],
        "x-forwarded-port",
        fwd["x-forwarded-port"],
        "x-real-ip",
        fwd["x-real-ip"],
      );
      const hk = { clientIp: fwd["x-real-ip"], path, rawQuery, captures: m.captures ?? null };
      const hash = requestHashKey(entry.hashing, req, hk, null);
      ex.hashCookie = hash?.setCookie;
      const out = {
        method,
        path: m.upstreamPath + search,
        rawHeaders,
        ...(hash ? { hashKey: hash.key } : {}),
      };
      if (ex.upgrade !== undefined) forwardUpgrade(req, ex.upgrade, entry.upstream, out, ex);
      else forward(req, res, entry.upstream, out, ex);
      return;
    }
    ex.upstreamPath = m.upstreamPath;
    ex.host = host;
    ex.path = path;
    ex.rawQuery = rawQuery;
    ex.captures = m.captures ?? null;
    this.withPlugins(ex, snap, entry, entry.chain, method, host, path, rawQuery).catch(
      (err: unknown) => ex.internalError(err),
    );
  }

  /**
   * A route with plugins (or, `entry` undefined, the global plugins of a request no route matched):
   * the kit's runner drives the phases, the Exchange is its HTTP adapter.
   */
  private async withPlugins(
    ex: Exchange,
    snap: GatewaySnapshot,
    entry: RouteEntry | undefined,
    chain: Chain,
    method: string,
    host: string,
    path: string,
    rawQuery: string,
  ): Promise<void> {
    const { req } = ex;
    const limit = entry?.maxBodySize ?? null;
    if (limit !== null && req.headers["transfer-encoding"] !== undefined) {
      ex.body = await readBody(req, limit); // bounded: counts a chunked body against the route's limit
    }
    let bodyPromise: Promise<Buffer> | undefined;
    const listener = this.listenerOf(req);
    const info: RequestInfo = {
      method,
      scheme: listener.scheme,
      host: host.includes(":") ? host.replace(/:\d+$/, "") : host,
      port: listener.port,
      path,
      rawQuery,
      headers: req.headers,
      clientIp: (ex.fwd as ForwardedHeaders)["x-real-ip"],
      peerIp: unmapIPv4(req.socket.remoteAddress ?? ""),
      readBody: (maxBytes) => {
        if (ex.body !== undefined) return Promise.resolve(ex.body);
        const cap = Math.min(maxBytes ?? Infinity, limit ?? DEFAULT_READ_LIMIT);
        bodyPromise ??= readBody(req, cap, maxBytes !== undefined && cap === maxBytes).then(
          (b) => (ex.body = b),
        );
        return bodyPromise;
      },
      connection: connectionOf(connectionSocket(req)),
      uriCaptures: ex.captures,
    };
    const tx = createTransaction({
      chain,
      request: info,
      route: entry?.route,
      service: entry?.service ?? undefined,
      credentials: snap.credentials,
      log: this.kitLog,
      trace: ex.trace,
      ...(entry === undefined ? { noRoute: { status: 404, message: NO_ROUTE_MESSAGE } } : {}),
    });
    ex.tx = tx;
    return runPipeline(tx, ex);
  }
}
