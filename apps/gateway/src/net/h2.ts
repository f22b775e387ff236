/**
 * HTTP/2 on the TLS listener (ALPN `h2`; `http/1.1` on the same port). node:http2's compatibility
 * objects are adapted once, when the server creates them, so the pipeline and http-proxy (written
 * for node:http's IncomingMessage/ServerResponse) take them as they are:
 *
 * - request: `headers` and `rawHeaders` without pseudo-headers, `:authority` as `host` (what the
 *   router and X-Forwarded-Host use), repeated `cookie` fields joined with "; " (RFC 9113 8.2.3),
 *   and a body of unknown length (no content-length, the stream not ended with the headers) shown
 *   as `transfer-encoding: chunked`: what it is once forwarded to an HTTP/1.1 upstream, so the body
 *   limits and the forwarding treat it as they treat a chunked HTTP/1.1 body. Both are plain own
 *   properties (http-proxy swaps `req.headers` while it builds the upstream request). `url` and
 *   `method` stay node's (`:path`, `:method`).
 * - response: connection-specific headers (hop-by-hop: Connection, Keep-Alive, Transfer-Encoding,
 *   Upgrade, Proxy-*, TE, ...) are never sent on h2 (RFC 9113 8.2.2; node would throw on most of
 *   them): writeHead/setHeader/appendHeader drop them, whoever sets them (an upstream response,
 *   a plugin, the gateway's own `connection: close`). `destroyed` and `writableNeedDrain` read the
 *   stream's, as node:http's response has them; `writableFinished` is false for a stream the
 *   client reset (RST_STREAM), so the access log and metrics count it as 499.
 *
 * A request must arrive whole within the listener's request timeout (408, as for HTTP/1.1).
 * Sessions: at most `maxConcurrentStreams` streams each; an idle session (no open stream) is
 * closed after the keep-alive timeout; closing the listener sends GOAWAY (in-flight streams
 * finish), and closing all connections destroys the sessions.
 */
import { Server as HttpServer } from "node:http";
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import { Http2ServerRequest, Http2ServerResponse, constants } from "node:http2";
import type { Http2SecureServer, Http2Session, ServerHttp2Stream } from "node:http2";
import type { Socket } from "node:net";
import type { ReadableOptions } from "node:stream";
import { sendError } from "../pipeline/respond.js";
import { isHopByHop } from "../proxy/index.js";

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR } = constants;

/** An h2 request as the pipeline sees it (see the module comment). */
export class H2Request extends Http2ServerRequest {
  constructor(
    stream: ServerHttp2Stream,
    headers: IncomingHttpHeaders,
    options: ReadableOptions,
    rawHeaders: readonly string[],
  ) {
    super(stream, headers, options, rawHeaders);
    const clean: IncomingHttpHeaders = {};
    const raw: string[] = [];
    const given = headers[":authority"] ?? headers.host;
    const authority = Array.isArray(given) ? given[0] : given;
    if (authority !== undefined) {
      clean.host = authority;
      raw.push("host", authority);
    }
    let cookie: string | undefined;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i] as string;
      if (name.charCodeAt(0) === 58 /* ":" */ || name === "host") continue;
      const value = rawHeaders[i + 1] as string;
      if (name === "cookie") cookie = cookie === undefined ? value : `${cookie}; ${value}`;
      else raw.push(name, value);
    }
    if (cookie !== undefined) raw.push("cookie", cookie);
    for (const key in headers) {
      if (key.charCodeAt(0) === 58 || key === "host") continue;
      (clean as Record<string, unknown>)[key] = headers[key];
    }
    if (clean["content-length"] === undefined && !stream.endAfterHeaders) {
      clean["transfer-encoding"] = "chunked";
    }
    define(this, "headers", clean);
    define(this, "rawHeaders", raw);
  }
}

function define(obj: object, name: string, value: unknown): void {
  Object.defineProperty(obj, name, { value, writable: true, enumerable: true, configurable: true });
}

/** An h2 response that never sends connection-specific headers (see the module comment). */
export class H2Response extends Http2ServerResponse {}

type HeaderList = Array<string | number | readonly string[]>;

/** `headers` without connection-specific ones (the same object when it has none). */
function h2Headers<T extends OutgoingHttpHeaders | HeaderList | undefined>(headers: T): T {
  if (headers === undefined || headers === null) return headers;
  if (Array.isArray(headers)) {
    const list = headers as HeaderList;
    let out: HeaderList | undefined;
    for (let i = 0; i < list.length; i += 2) {
      const forbidden = isHopByHop(String(list[i]).toLowerCase());
      if (forbidden && out === undefined) out = list.slice(0, i);
      else if (!forbidden && out !== undefined) out.push(list[i] as string, list[i + 1] as string);
    }
    return (out ?? list) as T;
  }
  let out: OutgoingHttpHeaders | undefined;
  for (const key in headers as OutgoingHttpHeaders) {
    if (!isHopByHop(key.toLowerCase())) continue;
    out ??= { ...(headers as OutgoingHttpHeaders) };
    delete out[key];
  }
  return (out ?? headers) as T;
}

const base = Http2ServerResponse.prototype as unknown as Record<
  string,
  (...args: unknown[]) => unknown
>;
const baseWriteHead = base.writeHead as (...args: unknown[]) => unknown;
const baseSetHeader = base.setHeader as (...args: unknown[]) => unknown;
const baseAppendHeader = base.appendHeader as (...args: unknown[]) => unknown;
Object.defineProperties(H2Response.prototype, {
  writeHead: {
    value(this: H2Response, status: number, a?: unknown, b?: unknown): unknown {
      if (typeof a === "string") return baseWriteHead.call(this, status, a, h2Headers(b as never));
      return baseWriteHead.call(this, status, h2Headers(a as never));
    },
  },
  setHeader: {
    value(this: H2Response, name: string, value: unknown): unknown {
      if (isHopByHop(name.toLowerCase())) return this;
      return baseSetHeader.call(this, name, value);
    },
  },
  appendHeader: {
    value(this: H2Response, name: string, value: unknown): unknown {
      if (isHopByHop(name.toLowerCase())) return this;
      return baseAppendHeader.call(this, name, value);
    },
  },
  destroyed: {
    get(this: H2Response): boolean {
      return this.stream.destroyed;
    },
  },
  // node's is the stream's, true for a stream the client reset too: finished = ended by us, not reset
  writableFinished: {
    get(this: H2Response): boolean {
      const stream = this.stream;
      return this.writableEnded && stream.writableFinished && !(stream.rstCode > 0);
    },
  },
  writableNeedDrain: {
    get(this: H2Response): boolean {
      return this.stream.writableNeedDrain;
    },
  },
});

/** the gateway's answer to a request not received in time (the same as node:http's 408) */
export const REQUEST_TIMEOUT_MESSAGE = "Request Timeout";

function receivedWhole(stream: ServerHttp2Stream): boolean {
  // END_STREAM seen (pushed, maybe not read yet: a body the gateway streams is read as it goes)
  const state = (stream as unknown as { _readableState?: { ended?: boolean } })._readableState;
  return stream.endAfterHeaders || state?.ended === true;
}

/**
 * An h2 request must arrive whole (its END_STREAM) within `ms`, as node:http's `requestTimeout`
 * for HTTP/1.1: else 408 and the stream is closed (or reset, when the answer already started).
 * One timer per stream, cleared when the stream closes.
 */
export function requestTimeout(req: H2Request, res: ServerResponse, ms: number): void {
  const stream = req.stream;
  if (ms <= 0 || receivedWhole(stream)) return;
  const timer = setTimeout(() => {
    if (stream.closed || receivedWhole(stream)) return;
    if (res.headersSent) {
      stream.close(NGHTTP2_CANCEL);
      return;
    }
    sendError(req as unknown as IncomingMessage, res, 408, REQUEST_TIMEOUT_MESSAGE);
    // the answer is complete: the rest of the request is refused (RFC 9113 8.1)
    res.once("finish", () => stream.close(NGHTTP2_NO_ERROR));
  }, ms);
  timer.unref();
  stream.once("close", () => clearTimeout(timer));
}

/** The client connection a request came in on (an h2 request's `socket` is per stream). */
export function connectionSocket(req: { socket: Socket }): Socket {
  if (req instanceof H2Request) return (req.stream.session?.socket as Socket) ?? req.socket;
  return req.socket;
}

/**
 * The protocol a request came in with, as its ALPN name (access log, metrics): h2, http/1.1,
 * http/1.0 (or the version of a request line the listener refuses with 505, e.g. http/2.0).
 */
export function protocolOf(req: { httpVersion: string }): string {
  if (req instanceof H2Request) return "h2";
  const v = req.httpVersion;
  return v === "1.1" ? "http/1.1" : v === "1.0" ? "http/1.0" : `http/${v}`;
}

const kOpen = Symbol("gatehouse.h2.open");
type Tracked = Http2Session & { [kOpen]?: number };

export interface H2SessionOptions {
  /** ms an h2 session with no open stream stays open */
  idleTimeout: number;
}

/**
 * Track the listener's h2 sessions: the idle timeout, and `closeIdleConnections` /
 * `closeAllConnections` (what the gateway's drain calls on its listeners) covering them as well
 * as the HTTP/1.1 connections.
 */
export function trackSessions(server: Http2SecureServer, opts: H2SessionOptions): void {
  const sessions = new Set<Tracked>();
  server.on("session", (session: Tracked) => {
    sessions.add(session);
    session[kOpen] = 0;
    // idle = no open stream for idleTimeout: one timer per session, re-armed when the last open
    // stream closes (node's session timeout counts bytes, not streams: an open stream may be silent)
    const idle = setTimeout(() => {
      if (session[kOpen] === 0 && !session.closed) session.close();
    }, opts.idleTimeout);
    idle.unref();
    session.on("stream", (stream: ServerHttp2Stream) => {
      session[kOpen] = (session[kOpen] ?? 0) + 1;
      stream.once("close", () => {
        session[kOpen] = (session[kOpen] ?? 1) - 1;
        if (session[kOpen] === 0) idle.refresh();
      });
    });
    session.once("close", () => {
      clearTimeout(idle);
      sessions.delete(session);
    });
  });
  const h1CloseIdle = (server as unknown as HttpServer).closeIdleConnections.bind(server);
  const h1CloseAll = (HttpServer.prototype.closeAllConnections as () => void).bind(server);
  Object.assign(server, {
    closeIdleConnections(): void {
      h1CloseIdle();
      // GOAWAY: no new stream, the open ones finish
      for (const s of sessions) if (!s.closed) s.close();
    },
    closeAllConnections(): void {
      h1CloseAll();
      for (const s of sessions) s.destroy();
    },
  });
}
