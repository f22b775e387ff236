import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { DEBUG_HEADER, TRACE_HEADER, encodeTrace } from "@gatehouse/config";
import {
  BodyTooLargeError,
  CONTENT_TYPES,
  defaultMessage,
  formatFromAccept,
  LOG_CREDENTIAL_NAMES,
  redactQuery,
  renderError,
  Transaction,
} from "@gatehouse/plugin-kit";
import type {
  ConnectionInfo,
  KitLogger,
  RequestInfo,
  UpstreamFailureKind,
} from "@gatehouse/plugin-kit";
import type { Logger } from "pino";
import { safeEqual } from "../cluster/auth.js";
import type { GatewayMetrics, RouteMetrics } from "../metrics.js";
import {
  forward,
  forwardableRawHeaders,
  forwardedHeaders,
  hopByHopStrip,
  pipeResponse,
  refuseBadFraming,
  writeResponseHead,
} from "../proxy/index.js";
import type { ForwardHandlers, FramingError, UpstreamError } from "../proxy/index.js";
import { normalizeTarget } from "../router/route-table.js";
import type { GatewaySnapshot, RouteEntry } from "../config/snapshot.js";
import type { ConfigState } from "../config/state.js";
import { ERROR_CODES, GatewayError } from "../errors.js";

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

/** per client connection: serial number and requests seen (plugin path only) */
const conns = new WeakMap<Socket, { id: number; n: number }>();
let connSerial = 0;

function connectionOf(socket: Socket): ConnectionInfo {
  let c = conns.get(socket);
  if (c === undefined) {
    c = { id: ++connSerial, n: 0 };
    conns.set(socket, c);
  }
  c.n++;
  return {
    serverAddress: socket.localAddress ?? "",
    serverPort: socket.localPort ?? 0,
    id: c.id,
    requests: c.n,
  };
}

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
}

/** The request's body is over the route's limit: answered with `status`, the connection closed. */
class RequestBodyError extends GatewayError {
  readonly code = ERROR_CODES.requestBodyTooLarge;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "RequestBodyError";
  }
}

/** Send a small error body formatted by the request's Accept (JSON by default). */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  extra?: OutgoingHttpHeaders,
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const format = formatFromAccept(req.headers.accept);
  const body = renderError(format, message);
  const headers: OutgoingHttpHeaders = {
    "content-type": CONTENT_TYPES[format],
    "content-length": Buffer.byteLength(body),
    ...extra,
  };
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

function kindOf(err: UpstreamError): UpstreamFailureKind {
  switch (err.kind) {
    case "connect_timeout":
    case "read_timeout":
    case "write_timeout":
      return "timeout";
    case "refused":
    case "denied":
      return "refused";
    case "unavailable":
      return "unavailable";
    case "cancelled":
      return "cancelled";
    default:
      return "reset";
  }
}

/** Buffers a body up to `limit` bytes; `kitLimit`: the limit is a plugin's (BodyTooLargeError). */
function readBody(req: IncomingMessage, limit: number, kitLimit = false): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(
          kitLimit
            ? new BodyTooLargeError(limit)
            : new RequestBodyError(413, `request body is larger than ${limit} bytes`),
        );
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

/** Bytes of the request body the gateway read, when known (buffered, or complete with its length). */
function requestSize(ex: Exchange): number | undefined {
  if (ex.body !== undefined) return ex.body.length;
  const req = ex.req;
  if (!req.complete) return undefined;
  const cl = req.headers["content-length"];
  if (cl !== undefined) return Number(cl);
  return req.headers["transfer-encoding"] === undefined ? 0 : undefined;
}

/** `{ name: value | values }` → `[name, value, name, value, ...]` (what writeHead takes as is). */
function flatHeaders(h: Record<string, string | string[] | number | undefined>): string[] {
  const out: string[] = [];
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) out.push(k, x);
    else out.push(k, String(v));
  }
  return out;
}

function nodeHeaders(
  h: Record<string, string | string[] | number | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    out[k] = typeof v === "number" ? String(v) : v;
  }
  return out;
}

/** Per-request bookkeeping, attached to the response; one object per request. */
class Exchange implements ForwardHandlers {
  routeMetrics: RouteMetrics | undefined;
  routeLabel = "none";
  upstreamMs: number | undefined;
  source: "service" | "exit" | "error" = "service";
  tx: Transaction | undefined;
  entry: RouteEntry | undefined;
  trace = false;
  traceRoute: string | null = null;
  body: Buffer | undefined;
  /** query argument names the access log redacts (the snapshot's) */
  redact: ReadonlySet<string> | null = null;

  constructor(
    readonly h: Handler,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly start: number,
  ) {}

  traceValue(): string {
    const tx = this.tx;
    return encodeTrace({
      route: this.traceRoute,
      source: tx?.source ?? this.source,
      plugins: tx ? tx.trace : [],
      upstream_ms: this.upstreamMs === undefined ? null : Math.round(this.upstreamMs * 1000) / 1000,
    });
  }

  // ---- no plugins: straight through ----
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void {
    this.upstreamMs = info.upstreamLatencyMs;
    if (this.tx !== undefined) {
      this.h.afterUpstream(this, proxyRes).catch((err: unknown) => this.h.internalError(this, err));
      return;
    }
    if (this.trace) {
      const headers = { ...proxyRes.headers, [TRACE_HEADER]: this.traceValue() };
      pipeResponse(proxyRes, this.res, { status: proxyRes.statusCode ?? 502, headers });
    } else pipeResponse(proxyRes, this.res);
  }

  onError(err: UpstreamError): void {
    if (this.tx !== undefined) {
      this.h.upstreamFailed(this, err).catch((e: unknown) => this.h.internalError(this, e));
      return;
    }
    this.source = "error";
    if (err.kind === "cancelled" && this.res.destroyed) return; // the client is gone
    this.h.log.warn(
      {
        route: this.routeLabel,
        kind: err.kind,
        code: err.code,
        ...(err.kind === "denied" ? { reason: (err.cause as Error).message } : {}),
      },
      "upstream request failed",
    );
    sendError(this.req, this.res, err.status, defaultMessage(err.status), this.traceHeaders());
  }

  traceHeaders(): OutgoingHttpHeaders | undefined {
    return this.trace ? { [TRACE_HEADER]: this.traceValue() } : undefined;
  }
}

function onFinished(this: ServerResponse): void {
  const ex = (this as ServerResponse & { [kExchange]?: Exchange })[kExchange];
  if (ex !== undefined) ex.h.finished(ex);
}
const kExchange = Symbol("gatehouse.exchange");

/** The data-plane request pipeline over raw req/res (bodies stream; nothing parsed that needn't be). */
export class Handler {
  readonly log: Logger;
  private readonly accessLog: boolean;
  private readonly kitLog: KitLogger;
  private readonly noneMetrics: RouteMetrics;

  constructor(private readonly opts: HandlerOptions) {
    this.log = opts.log;
    this.accessLog = opts.log.isLevelEnabled("info");
    this.kitLog = opts.log as unknown as KitLogger;
    this.noneMetrics = opts.metrics.forRoute("none");
  }

  /** The request listener. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const ex = new Exchange(this, req, res, performance.now());
    (res as ServerResponse & { [kExchange]?: Exchange })[kExchange] = ex;
    res.on("close", onFinished);
    try {
      this.route(ex);
    } catch (err) {
      this.internalError(ex, err);
    }
  };

  private route(ex: Exchange): void {
    const { req, res } = ex;
    const snap = this.opts.state.current; // captured once: this request keeps this snapshot
    if (snap === null) {
      sendError(req, res, 503, NOT_READY_MESSAGE);
      return;
    }
    ex.redact = snap.logRedaction;
    // 400 on ambiguous framing; also drops requests pipelined behind a refused one
    if (refuseBadFraming(req, res, writeFramingError)) return;
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
      sendError(req, res, 404, NO_ROUTE_MESSAGE);
      return;
    }
    const entry = m.entry;
    ex.entry = entry;
    ex.routeLabel = entry.label;
    ex.routeMetrics = entry.metrics;
    const given = req.headers[DEBUG_HEADER];
    if (given !== undefined) {
      delete req.headers[DEBUG_HEADER]; // the token never reaches plugins or the upstream
      const debugToken = this.opts.debugToken;
      if (debugToken !== undefined && typeof given === "string" && safeEqual(given, debugToken)) {
        ex.trace = true;
        ex.traceRoute = entry.label;
      }
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
      scheme: "http",
      port: this.opts.port,
    });
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
      forward(req, res, entry.upstream, { method, path: m.upstreamPath + search, rawHeaders }, ex);
      return;
    }
    this.withPlugins(ex, snap, entry, method, host, path, rawQuery, m.upstreamPath, fwd).catch(
      (err: unknown) => this.internalError(ex, err),
    );
  }

  private async withPlugins(
    ex: Exchange,
    snap: GatewaySnapshot,
    entry: RouteEntry,
    method: string,
    host: string,
    path: string,
    rawQuery: string,
    upstreamPath: string,
    fwd: ReturnType<typeof forwardedHeaders>,
  ): Promise<void> {
    const { req, res } = ex;
    const limit = entry.maxBodySize;
    if (limit !== null && req.headers["transfer-encoding"] !== undefined) {
      ex.body = await readBody(req, limit); // bounded: counts a chunked body against the route's limit
    }
    let bodyPromise: Promise<Buffer> | undefined;
    const info: RequestInfo = {
      method,
      scheme: "http",
      host: host.includes(":") ? host.replace(/:\d+$/, "") : host,
      port: this.opts.port,
      path,
      rawQuery,
      headers: req.headers,
      clientIp: fwd["x-real-ip"],
      readBody: (maxBytes) => {
        if (ex.body !== undefined) return Promise.resolve(ex.body);
        const cap = Math.min(maxBytes ?? Infinity, limit ?? DEFAULT_READ_LIMIT);
        bodyPromise ??= readBody(req, cap, maxBytes !== undefined && cap === maxBytes).then(
          (b) => (ex.body = b),
        );
        return bodyPromise;
      },
      connection: connectionOf(req.socket),
    };
    const tx = new Transaction({
      chain: entry.chain,
      request: info,
      route: entry.route,
      service: entry.service ?? undefined,
      credentials: snap.credentials,
      log: this.kitLog,
      trace: ex.trace,
    });
    ex.tx = tx;
    await tx.runAccess();
    const result = tx.result;
    if (result.kind === "respond") {
      await tx.runHeaderFilter();
      await this.sendKitResponse(ex, undefined);
      return;
    }
    if (entry.upstream === null) {
      this.log.warn(
        { route: entry.label },
        "route has no service and no plugin answered the request",
      );
      await tx.upstreamFailed({ kind: "unavailable", error: new Error("route has no service") });
      await tx.runHeaderFilter();
      await this.sendKitResponse(ex, undefined);
      return;
    }
    const r = result.request;
    const outPath = r.pathChanged ? r.path : upstreamPath;
    // a record the kit built (plugins edited headers) is this request's own: no second copy
    const headers =
      r.headers === req.headers
        ? nodeHeaders(r.headers)
        : (r.headers as Record<string, string | string[]>);
    Object.assign(headers, fwd);
    if (headers.host === undefined || headers.host === req.headers.host) {
      headers.host = entry.route.preserveHost && host !== "" ? host : entry.upstreamHost;
    }
    const body = r.body ?? ex.body;
    forward(
      req,
      res,
      entry.upstream,
      {
        method: r.method,
        path: r.query === "" ? outPath : `${outPath}?${r.query}`,
        headers,
        ...(body ? { body } : {}),
      },
      ex,
    );
  }

  /** @internal upstream answered, plugins around */
  async afterUpstream(ex: Exchange, proxyRes: IncomingMessage): Promise<void> {
    const tx = ex.tx as Transaction;
    await tx.runHeaderFilter({
      status: proxyRes.statusCode ?? 502,
      headers: proxyRes.headers,
      source: "service",
    });
    await this.sendKitResponse(ex, proxyRes);
  }

  /** @internal the transport failed, plugins around: error handlers may answer */
  async upstreamFailed(ex: Exchange, err: UpstreamError): Promise<void> {
    const tx = ex.tx as Transaction;
    if (err.kind === "cancelled" && ex.res.destroyed) {
      ex.source = "error";
      void tx.runLog(this.logInfo(ex, 499));
      return;
    }
    await tx.upstreamFailed({ kind: kindOf(err), error: err });
    await tx.runHeaderFilter();
    await this.sendKitResponse(ex, undefined);
  }

  private async sendKitResponse(
    ex: Exchange,
    proxyRes: IncomingMessage | undefined,
  ): Promise<void> {
    const tx = ex.tx as Transaction;
    const { res } = ex;
    ex.source = tx.source ?? "service";
    let body = tx.responseBody;
    if (body !== undefined && proxyRes !== undefined) proxyRes.resume(); // kit replaced the response: drop upstream body
    if (body === undefined && proxyRes !== undefined && !tx.needsBodyBuffering) {
      const head = tx.responseHead;
      if (ex.trace) head.headers[TRACE_HEADER] = ex.traceValue();
      pipeResponse(proxyRes, res, head);
      void tx.runLog(this.logInfo(ex, head.status));
      return;
    }
    if (body === undefined)
      body = proxyRes ? await readBody(proxyRes, Number.MAX_SAFE_INTEGER) : Buffer.alloc(0);
    if (tx.needsBodyBuffering) body = await tx.runBodyFilter(body);
    const head = tx.responseHead;
    if (ex.trace) head.headers[TRACE_HEADER] = ex.traceValue();
    if (res.destroyed) return;
    const entry = ex.entry;
    if (
      entry?.staticAnswer &&
      entry.staticResponse === null &&
      ex.req.method !== "HEAD" &&
      !ex.trace
    ) {
      entry.staticResponse = {
        status: head.status,
        headers: flatHeaders(hopByHopStrip(head.headers)),
        body: tx.noBody ? undefined : body,
      };
    }
    writeResponseHead(res, head.status, head.headers);
    res.end(tx.noBody ? undefined : body);
    void tx.runLog(this.logInfo(ex, head.status, tx.noBody ? 0 : body.length));
  }

  /** what log plugins get: `responseSize` when the gateway sent a buffered body (bytes) */
  private logInfo(ex: Exchange, status: number, responseSize?: number): Record<string, unknown> {
    const now = performance.now();
    const info: Record<string, unknown> = {
      route: ex.routeLabel,
      status,
      source: ex.source,
      upstream_ms: ex.upstreamMs,
      total_ms: now - ex.start,
      started_at: Date.now() - (now - ex.start),
    };
    const size = requestSize(ex);
    if (size !== undefined) info.request_size = size;
    if (responseSize !== undefined) info.response_size = responseSize;
    if (ex.redact !== null) info[LOG_CREDENTIAL_NAMES] = ex.redact;
    return info;
  }

  /** @internal a bug or an unexpected throw: 500 without internals, never a crash */
  internalError(ex: Exchange, err: unknown): void {
    if (err instanceof RequestBodyError) {
      sendError(ex.req, ex.res, err.status, err.message, { connection: "close" });
      return;
    }
    ex.source = "error";
    this.log.error({ err, route: ex.routeLabel }, "request failed inside the gateway");
    sendError(ex.req, ex.res, 500, defaultMessage(500));
  }

  /** @internal the response is done (or the connection closed): metrics + access log */
  finished(ex: Exchange): void {
    const res = ex.res;
    const status = res.writableFinished ? res.statusCode : 499;
    const total = performance.now() - ex.start;
    (ex.routeMetrics ?? this.noneMetrics).request(status, total, ex.upstreamMs);
    if (this.accessLog) {
      this.log.info(
        {
          route: ex.routeLabel,
          method: ex.req.method,
          path: redactQuery(ex.req.url ?? "", ex.redact),
          status,
          source: ex.tx?.source ?? ex.source,
          upstream_ms: ex.upstreamMs,
          total_ms: Math.round(total * 1000) / 1000,
          client: ex.req.socket.remoteAddress,
        },
        "access",
      );
    }
  }
}
