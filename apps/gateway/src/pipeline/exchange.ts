/**
 * The HTTP adapter: one Exchange per request, attached to its response. It knows the sockets,
 * http-proxy and streaming; for a route with plugins it is the PipelineIO the kit's runner drives
 * (the phase order lives in @gatehouse/plugin-kit's runner, not here).
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { TRACE_HEADER, encodeTrace } from "@gatehouse/config";
import { LOG_CREDENTIAL_NAMES, defaultMessage, redactQuery } from "@gatehouse/plugin-kit";
import type { ConnectionInfo, UpstreamFailureKind, UriCaptures } from "@gatehouse/plugin-kit";
import type {
  PipelineIO,
  ProxyRequest,
  ResponseHead,
  Transaction,
  UpstreamOutcome,
} from "@gatehouse/plugin-kit/runtime";
import type { Logger } from "pino";
import type { GatewayMetrics, RouteMetrics } from "../metrics.js";
import {
  forward,
  forwardUpgrade,
  hopByHopStrip,
  pipeResponse,
  writeResponseHead,
} from "../proxy/index.js";
import type {
  ForwardHandlers,
  ForwardedHeaders,
  ForwardError,
  UpgradeClient,
  UpgradeHandlers,
} from "../proxy/index.js";
import type { RouteEntry } from "../config/snapshot.js";
import { requestHashKey, withHashCookie } from "../proxy/balancer/hash-key.js";
import { protocolOf } from "../net/h2.js";
import { RequestBodyError, readBody } from "./body.js";
import { flatHeaders, nodeHeaders, sendError } from "./respond.js";

/** What every Exchange of one handler shares. */
export interface ExchangeContext {
  readonly log: Logger;
  /** the access log is on (info level) */
  readonly accessLog: boolean;
  readonly metrics: GatewayMetrics;
  /** metrics of requests that matched no route */
  readonly noneMetrics: RouteMetrics;
}

/** per client connection: serial number and requests seen (plugin path only) */
const conns = new WeakMap<Socket, { id: number; n: number }>();
let connSerial = 0;

export function connectionOf(socket: Socket): ConnectionInfo {
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

function kindOf(err: ForwardError): UpstreamFailureKind {
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

const GONE: UpstreamOutcome = Object.freeze({ kind: "gone" });

/** Per-request bookkeeping, attached to the response; one object per request. */
export class Exchange implements ForwardHandlers, UpgradeHandlers, PipelineIO {
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
  // plugin path: where proxy() sends the request, and the pending answer
  upstreamPath = "";
  host = "";
  fwd: ForwardedHeaders | undefined;
  /** the request's path, query and route captures: consistent-hashing input (hash-key.ts) */
  path = "";
  rawQuery = "";
  captures: UriCaptures | null = null;
  /** the sticky cookie the balancer generated (hash_on cookie): set on the upstream's answer */
  hashCookie: string | undefined;
  /** a WebSocket handshake: its socket and head (the upstream gets it through forwardUpgrade) */
  upgrade: UpgradeClient | undefined;
  /** the status of an answer relayed on the socket (101 of an upgrade, or the upstream's refusal) */
  relayedStatus: number | undefined;
  private upgraded = false;
  private upstreamRes: IncomingMessage | undefined;
  private settle: ((outcome: UpstreamOutcome) => void) | undefined;

  constructor(
    readonly ctx: ExchangeContext,
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

  traceHeaders(): OutgoingHttpHeaders | undefined {
    return this.trace ? { [TRACE_HEADER]: this.traceValue() } : undefined;
  }

  // ---- ForwardHandlers: no plugins, straight through; with plugins, the runner's proxy() answer ----
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void {
    this.upstreamMs = info.upstreamLatencyMs;
    const settle = this.settle;
    const cookie = this.hashCookie;
    // Kong sets it before the plugins' header_filter: response plugins see (and may change) it
    const upstreamHeaders =
      cookie === undefined ? proxyRes.headers : withHashCookie(proxyRes.headers, cookie);
    if (settle !== undefined) {
      this.upstreamRes = proxyRes;
      settle({ kind: "response", status: proxyRes.statusCode ?? 502, headers: upstreamHeaders });
      return;
    }
    if (this.trace || cookie !== undefined) {
      const headers = this.trace
        ? { ...upstreamHeaders, [TRACE_HEADER]: this.traceValue() }
        : upstreamHeaders;
      pipeResponse(proxyRes, this.res, { status: proxyRes.statusCode ?? 502, headers });
    } else pipeResponse(proxyRes, this.res);
  }

  onError(err: ForwardError): void {
    const settle = this.settle;
    if (settle !== undefined) {
      if (this.upgrade !== undefined) this.settle = undefined; // onClosed must not settle again
      if (err.kind === "cancelled" && this.res.destroyed) {
        this.source = "error";
        settle(GONE);
      } else {
        settle({
          kind: "failed",
          failure: kindOf(err),
          error: err,
          ...(err.clientMessage ? { message: err.clientMessage } : {}),
        });
      }
      return;
    }
    this.source = "error";
    if (err.kind === "cancelled" && this.res.destroyed) return; // the client is gone
    this.ctx.log.warn(
      {
        route: this.routeLabel,
        kind: err.kind,
        code: err.code,
        ...(err.kind === "denied" ? { reason: (err.cause as Error).message } : {}),
      },
      "upstream request failed",
    );
    const message = err.clientMessage ?? defaultMessage(err.status);
    sendError(this.req, this.res, err.status, message, this.traceHeaders());
  }

  // ---- UpgradeHandlers: a WebSocket handshake (onError above when nothing was relayed) ----
  onUpgraded(info: { target: string; upstreamLatencyMs: number }): void {
    this.upstreamMs = info.upstreamLatencyMs;
    this.relayedStatus = 101;
    this.upgraded = true;
    this.source = this.tx?.source ?? "service";
    this.ctx.metrics.websocketsOpen.inc();
  }

  onClosed(): void {
    if (this.upgraded) this.ctx.metrics.websocketsOpen.dec();
    const settle = this.settle;
    const status = this.relayedStatus;
    if (settle === undefined || status === undefined) return;
    this.settle = undefined;
    settle({ kind: "relayed", status });
  }

  // ---- PipelineIO: the plugin path ----
  proxy(r: ProxyRequest): Promise<UpstreamOutcome> {
    const entry = this.entry as RouteEntry;
    const upstream = entry.upstream;
    if (upstream === null) {
      this.ctx.log.warn(
        { route: entry.label },
        "route has no service and no plugin answered the request",
      );
      return Promise.resolve({
        kind: "failed",
        failure: "unavailable",
        error: new Error("route has no service"),
      });
    }
    const req = this.req;
    const outPath = r.pathChanged ? r.path : this.upstreamPath;
    // a record the kit built (plugins edited headers) is this request's own: no second copy
    const headers =
      r.headers === req.headers
        ? nodeHeaders(r.headers)
        : (r.headers as Record<string, string | string[]>);
    Object.assign(headers, this.fwd);
    if (headers.host === undefined || headers.host === req.headers.host) {
      headers.host = entry.route.preserveHost && this.host !== "" ? this.host : entry.upstreamHost;
    }
    const body = r.body ?? this.body;
    const fwd = this.fwd as ForwardedHeaders;
    const hash = requestHashKey(
      entry.hashing,
      req,
      {
        clientIp: fwd["x-real-ip"],
        path: this.path,
        rawQuery: this.rawQuery,
        captures: this.captures,
      },
      this.tx?.consumer?.id ?? null,
    );
    this.hashCookie = hash?.setCookie;
    const out = {
      method: r.method,
      path: r.query === "" ? outPath : `${outPath}?${r.query}`,
      headers,
      ...(body ? { body } : {}),
      ...(hash ? { hashKey: hash.key } : {}),
    };
    return new Promise((resolve) => {
      this.settle = resolve;
      if (this.upgrade !== undefined) forwardUpgrade(req, this.upgrade, upstream, out, this);
      else forward(req, this.res, upstream, out, this);
    });
  }

  stream(head: ResponseHead): void {
    this.source = this.tx?.source ?? "service";
    if (this.trace) head.headers[TRACE_HEADER] = this.traceValue();
    pipeResponse(this.upstreamRes as IncomingMessage, this.res, head);
  }

  readUpstreamBody(): Promise<Buffer> {
    return readBody(this.upstreamRes as IncomingMessage, Number.MAX_SAFE_INTEGER);
  }

  discardUpstreamBody(): void {
    this.upstreamRes?.resume();
  }

  send(head: ResponseHead, body: Buffer | undefined): boolean {
    const res = this.res;
    this.source = this.tx?.source ?? "service";
    if (this.trace) head.headers[TRACE_HEADER] = this.traceValue();
    if (res.destroyed) return false;
    const entry = this.entry;
    if (
      entry?.staticAnswer &&
      entry.staticResponse === null &&
      this.req.method !== "HEAD" &&
      !this.trace
    ) {
      // request-termination: the next requests of this chain are answered without running it
      entry.staticResponse = {
        status: head.status,
        headers: flatHeaders(hopByHopStrip(head.headers)),
        body,
      };
    }
    writeResponseHead(res, head.status, head.headers);
    res.end(body);
    return true;
  }

  /** what log plugins get: `responseSize` when the gateway sent a buffered body (bytes) */
  logInfo(status: number, responseSize?: number): Record<string, unknown> {
    const now = performance.now();
    const info: Record<string, unknown> = {
      route: this.routeLabel,
      status,
      source: this.source,
      upstream_ms: this.upstreamMs,
      total_ms: now - this.start,
      started_at: Date.now() - (now - this.start),
    };
    const size = this.requestSize();
    if (size !== undefined) info.request_size = size;
    if (responseSize !== undefined) info.response_size = responseSize;
    if (this.redact !== null) info[LOG_CREDENTIAL_NAMES] = this.redact;
    return info;
  }

  /** Bytes of the request body the gateway read, when known (buffered, or complete with its length). */
  private requestSize(): number | undefined {
    if (this.body !== undefined) return this.body.length;
    const req = this.req;
    if (!req.complete) return undefined;
    const cl = req.headers["content-length"];
    if (cl !== undefined) return Number(cl);
    return req.headers["transfer-encoding"] === undefined ? 0 : undefined;
  }

  // ---- the end of the request ----

  /** A bug or an unexpected throw: 500 without internals, never a crash. */
  internalError(err: unknown): void {
    if (err instanceof RequestBodyError) {
      sendError(this.req, this.res, err.status, err.message, { connection: "close" });
      return;
    }
    this.source = "error";
    this.ctx.log.error({ err, route: this.routeLabel }, "request failed inside the gateway");
    sendError(this.req, this.res, 500, defaultMessage(500));
  }

  private clientFields(peer: string | undefined): { client?: string; peer?: string } {
    const client = this.fwd?.["x-real-ip"] ?? peer;
    return client === peer ? { client } : { client, peer };
  }

  /** The response is done (or the connection closed): metrics + access log. */
  finished(): void {
    const { req, res, ctx } = this;
    const status = this.relayedStatus ?? (res.writableFinished ? res.statusCode : 499);
    const total = performance.now() - this.start;
    (this.routeMetrics ?? ctx.noneMetrics).request(status, total, this.upstreamMs);
    const protocol = protocolOf(req);
    ctx.metrics.requestProtocol(protocol);
    if (ctx.accessLog) {
      ctx.log.info(
        {
          route: this.routeLabel,
          method: req.method,
          protocol,
          path: redactQuery(req.url ?? "", this.redact),
          status,
          source: this.tx?.source ?? this.source,
          upstream_ms: this.upstreamMs,
          total_ms: Math.round(total * 1000) / 1000,
          // the client's address as the gateway decided it (real_ip_header, trusted_ips, PROXY
          // protocol), as Kong logs it; the connecting peer too when it differs (a balancer)
          ...this.clientFields(req.socket.remoteAddress),
          ...(this.upgrade !== undefined ? { upgrade: "websocket" } : {}),
        },
        "access",
      );
    }
  }
}
