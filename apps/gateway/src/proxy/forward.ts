import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestOptions,
  ServerResponse,
} from "node:http";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { UpstreamError, classifyError, isConnectFailure } from "./errors.js";
import { forwardableHeaders, writeRawResponseHead, writeResponseHead } from "./headers.js";
import type { Target, Upstream } from "./pool.js";

export interface OutboundRequest {
  method: string;
  /** already normalized and joined, with ?query; sent verbatim */
  path: string;
  /** final headers (after plugins); hop-by-hop headers and framing are handled here */
  headers?: Record<string, string | string[]>;
  /**
   * Instead of `headers`: a flat `[name, value, ...]` list already cleaned by
   * `forwardableRawHeaders` (no hop-by-hop or framing headers); used as is, framing is added.
   */
  rawHeaders?: string[];
  /** a body a plugin buffered; else the client request stream is piped */
  body?: Buffer;
}

export interface ForwardHandlers {
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void;
  onError(err: UpstreamError): void;
}

// The request goes out with http.request and the target's keep-alive agent directly (what
// http-proxy's `stream` pass does, without its per-request option merging, URL joining and
// listener bookkeeping). Event listeners are module-level functions that find their state
// through a symbol on the emitter: no closures are created per request on the common path.

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
const INVALID_PATH = /[^\u0021-\u00ff]/;

const kAttempt = Symbol("gatehouse.attempt");
const kForwarding = Symbol("gatehouse.forwarding");
const kPiped = Symbol("gatehouse.piped");

type BodyMode = "none" | "buffer" | "stream";

type AttemptHolder = { [kAttempt]?: Attempt | undefined };
type ForwardingHolder = { [kForwarding]?: Forwarding };

function socketReady(socket: Socket, https: boolean): boolean {
  if (https) {
    const protocol = (socket as TLSSocket).getProtocol?.();
    return typeof protocol === "string" && protocol !== "unknown";
  }
  return !socket.pending && !socket.connecting;
}

const ignoreError = (): void => undefined;

function hasHost(headers: string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name.length === 4 && name.toLowerCase() === "host") return true;
  }
  return false;
}

function hostHeader(target: Target, https: boolean): string {
  if (target.port !== (https ? 443 : 80)) return target.id;
  return target.host.includes(":") ? `[${target.host}]` : target.host;
}

/** One try against one target. */
class Attempt {
  done = false;
  proxyReq: ClientRequest | undefined;
  proxyRes: IncomingMessage | undefined;
  socket: Socket | undefined;
  reused = false;
  /** when upstream bytes were last seen arriving, and the socket's bytesRead then */
  lastRead = 0;
  lastBytes = 0;
  connectTimer: NodeJS.Timeout | undefined;
  readTimer: NodeJS.Timeout | undefined;
  writeTimer: NodeJS.Timeout | undefined;
  /** removes the client-body listeners of this attempt (streamed bodies only) */
  unpipeBody: (() => void) | undefined;

  constructor(
    readonly fx: Forwarding,
    readonly target: Target,
    readonly started: number,
  ) {}
}

/** State of one forward() call (all its attempts). */
class Forwarding {
  readonly https: boolean;
  /** no Host header given: the target's host:port is sent, as Node's http.request does */
  readonly hostless: boolean;
  tried: Set<Target> | undefined;
  settled = false;
  clientGone = false;
  bodyConsumed = false;
  connectRetries = 0;
  staleRetried = false;
  current: Attempt | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly upstream: Upstream,
    readonly method: string,
    readonly path: string,
    readonly headers: string[],
    readonly mode: BodyMode,
    readonly body: Buffer | undefined,
    readonly handlers: ForwardHandlers,
  ) {
    this.https = upstream.spec.protocol === "https";
    this.hostless = !hasHost(headers);
  }

  fail(err: UpstreamError): void {
    if (this.settled) return;
    this.settled = true;
    try {
      this.handlers.onError(err);
    } catch {
      this.crashed();
    }
  }

  respond(a: Attempt, proxyRes: IncomingMessage): void {
    if (this.settled) return;
    this.settled = true;
    const latency = performance.now() - a.started;
    try {
      this.handlers.onResponse(proxyRes, {
        target: a.target.id,
        upstreamLatencyMs: Math.round(latency * 1000) / 1000,
      });
    } catch {
      this.crashed();
    }
  }

  /** a throwing handler must not take the process down; the client gets a closed socket */
  private crashed(): void {
    this.current?.proxyReq?.destroy();
    this.res.destroy();
  }

  start(target?: Target): void {
    let chosen = target;
    if (chosen === undefined) {
      const tried = this.tried;
      chosen = this.upstream.pick(tried);
      if (chosen === undefined && tried !== undefined && tried.size > 0) {
        tried.clear();
        chosen = this.upstream.pick(tried);
      }
    }
    if (chosen === undefined) {
      this.fail(new UpstreamError("unavailable"));
      return;
    }
    // only needed once a retry happens; the first pick has nothing to exclude
    if (this.upstream.available > 1 || this.tried !== undefined)
      (this.tried ??= new Set()).add(chosen);
    const a = new Attempt(this, chosen, performance.now());
    this.current = a;
    const spec = this.upstream.spec;
    const options: RequestOptions & { rejectUnauthorized?: boolean } = {
      host: chosen.host,
      port: chosen.port,
      method: this.method,
      path: this.path,
      headers: this.hostless
        ? [...this.headers, "host", hostHeader(chosen, this.https)]
        : this.headers,
      agent: chosen.agent,
      setHost: false,
    };
    let proxyReq: ClientRequest;
    try {
      if (this.https) {
        options.rejectUnauthorized = spec.tlsVerify !== false;
        proxyReq = httpsRequest(options);
      } else proxyReq = httpRequest(options);
    } catch (err) {
      onAttemptFailure(a, err);
      return;
    }
    a.proxyReq = proxyReq;
    (proxyReq as ClientRequest & AttemptHolder)[kAttempt] = a;
    proxyReq.on("error", onProxyReqError);
    proxyReq.on("socket", onProxyReqSocket);
    proxyReq.on("response", onProxyResponse);
    // a pooled socket was handed over synchronously: it is connected, no connect timer needed
    if (!proxyReq.reusedSocket) {
      a.connectTimer = setTimeout(onConnectTimeout, spec.connectTimeout, a);
    }
  }

  /** A partly read request body leaves the client connection in an unknown state: close it after the response. */
  closeIfBodyUnread(): void {
    if (
      this.mode === "stream" &&
      this.bodyConsumed &&
      !this.req.readableEnded &&
      !this.res.headersSent
    )
      this.res.shouldKeepAlive = false;
  }
}

function clearTimers(a: Attempt): void {
  if (a.connectTimer !== undefined) clearTimeout(a.connectTimer);
  if (a.readTimer !== undefined) clearTimeout(a.readTimer);
  if (a.writeTimer !== undefined) clearTimeout(a.writeTimer);
  a.connectTimer = a.readTimer = a.writeTimer = undefined;
}

function finishAttempt(a: Attempt): void {
  clearTimers(a);
  const proxyReq = a.proxyReq;
  if (proxyReq !== undefined) proxyReq.removeListener("finish", onProxyReqFinish);
  if (a.unpipeBody !== undefined) {
    a.unpipeBody();
    a.unpipeBody = undefined;
  }
}

/** Stop an attempt for good: destroy the upstream request; errors that follow are ignored. */
function abortAttempt(a: Attempt, err: UpstreamError): void {
  const fx = a.fx;
  if (a.done) {
    // response already handed over: fail its body so the caller's pipe tears down
    if (a.proxyRes && !a.proxyRes.readableEnded && !a.proxyRes.destroyed) a.proxyRes.destroy(err);
    a.proxyReq?.destroy();
    return;
  }
  a.done = true;
  finishAttempt(a);
  a.proxyReq?.destroy();
  fx.closeIfBodyUnread();
  if (fx.clientGone) {
    fx.fail(new UpstreamError("cancelled", { cause: err.kind === "cancelled" ? undefined : err }));
    return;
  }
  if (isConnectFailure(err) && fx.connectRetries < fx.upstream.spec.retries && !fx.bodyConsumed) {
    fx.connectRetries++;
    fx.tried ??= new Set([a.target]);
    fx.start();
    return;
  }
  const staleSocket =
    err.kind === "reset" &&
    a.reused &&
    !a.proxyRes &&
    !fx.staleRetried &&
    IDEMPOTENT.has(fx.method) &&
    (fx.mode !== "stream" || !fx.bodyConsumed);
  if (staleSocket) {
    fx.staleRetried = true;
    fx.upstream.dropIdle(a.target);
    fx.start(a.target);
    return;
  }
  fx.fail(err);
}

/** A failure while the attempt may still be live (before or after the response). */
function onAttemptFailure(a: Attempt, raw: unknown): void {
  const err = classifyError(raw);
  if (a.done) {
    if (a.proxyRes && !a.proxyRes.readableEnded && !a.proxyRes.destroyed) a.proxyRes.destroy(err);
    return;
  }
  if (a.proxyRes) {
    // head delivered (settled); a failing body destroys proxyRes, the caller's pipe follows
    a.done = true;
    finishAttempt(a);
    if (!a.proxyRes.readableEnded && !a.proxyRes.destroyed) a.proxyRes.destroy(err);
    a.proxyReq?.destroy();
    return;
  }
  abortAttempt(a, err);
}

// ---- timers (the attempt is the timer's argument) ----

function onConnectTimeout(a: Attempt): void {
  a.connectTimer = undefined;
  onAttemptFailure(a, new UpstreamError("connect_timeout"));
}

// The read watchdog looks at the socket's byte counter instead of listening to every chunk: it
// checks every quarter of readTimeout, so it fires between 1 and 1.25 x readTimeout after the
// last byte (no listener or clock read per chunk, one timer per request).
function readSlice(readTimeout: number): number {
  return Math.max(1, Math.ceil(readTimeout / 4));
}

function armRead(a: Attempt): void {
  if (a.readTimer !== undefined || a.done) return;
  a.lastBytes = a.socket?.bytesRead ?? 0;
  a.lastRead = performance.now();
  a.readTimer = setTimeout(checkRead, readSlice(a.fx.upstream.spec.readTimeout), a);
}

function checkRead(a: Attempt): void {
  const readTimeout = a.fx.upstream.spec.readTimeout;
  const now = performance.now();
  const bytes = a.socket?.bytesRead ?? 0;
  if (bytes !== a.lastBytes) {
    a.lastBytes = bytes;
    a.lastRead = now;
  }
  const idle = now - a.lastRead;
  if (idle < readTimeout) {
    a.readTimer = setTimeout(
      checkRead,
      Math.min(readSlice(readTimeout), readTimeout - idle + 1),
      a,
    );
    return;
  }
  const consumerPaused =
    a.proxyRes && (a.proxyRes.readableFlowing !== true || a.fx.res.writableNeedDrain);
  if (consumerPaused) {
    a.lastRead = now;
    a.readTimer = setTimeout(checkRead, readSlice(readTimeout), a);
    return;
  }
  a.readTimer = undefined;
  onAttemptFailure(a, new UpstreamError("read_timeout"));
}

function armWrite(a: Attempt): void {
  if (a.writeTimer !== undefined || a.done || a.proxyRes) return;
  a.writeTimer = setTimeout(onWriteTimeout, a.fx.upstream.spec.writeTimeout, a);
}

function onWriteTimeout(a: Attempt): void {
  a.writeTimer = undefined;
  onAttemptFailure(a, new UpstreamError("write_timeout"));
}

function clearWrite(a: Attempt): void {
  if (a.writeTimer === undefined) return;
  clearTimeout(a.writeTimer);
  a.writeTimer = undefined;
}

// ---- listeners (`this` is the emitter) ----

function onClientClose(this: ServerResponse): void {
  const fx = (this as ServerResponse & ForwardingHolder)[kForwarding];
  if (fx === undefined || this.writableFinished) return;
  fx.clientGone = true;
  if (fx.current) abortAttempt(fx.current, new UpstreamError("cancelled"));
  else fx.fail(new UpstreamError("cancelled"));
}

function onProxyReqError(this: ClientRequest, err: Error): void {
  const a = (this as ClientRequest & AttemptHolder)[kAttempt];
  if (a !== undefined) onAttemptFailure(a, err);
}

function onProxyReqFinish(this: ClientRequest): void {
  const a = (this as ClientRequest & AttemptHolder)[kAttempt];
  if (a === undefined) return;
  clearWrite(a);
  armRead(a);
}

function onProxyReqSocket(this: ClientRequest, socket: Socket): void {
  const a = (this as ClientRequest & AttemptHolder)[kAttempt];
  if (a === undefined) return;
  a.socket = socket;
  a.reused = this.reusedSocket;
  // a pooled socket (reused, or handed to a queued request) is ready at once
  if (socketReady(socket, a.fx.https)) onConnected(a);
  else socket.once(a.fx.https ? "secureConnect" : "connect", () => onConnected(a));
}

function onConnected(a: Attempt): void {
  if (a.done) return;
  if (a.connectTimer !== undefined) {
    clearTimeout(a.connectTimer);
    a.connectTimer = undefined;
  }
  const proxyReq = a.proxyReq as ClientRequest;
  proxyReq.on("finish", onProxyReqFinish);
  sendBody(a, proxyReq);
}

function sendBody(a: Attempt, proxyReq: ClientRequest): void {
  const fx = a.fx;
  if (fx.mode === "buffer") {
    if (!proxyReq.write(fx.body as Buffer)) armWrite(a);
    proxyReq.end();
    return;
  }
  const req = fx.req;
  if (fx.mode === "none" || req.readableEnded) {
    proxyReq.end();
    return;
  }
  const onData = (chunk: Buffer): void => {
    fx.bodyConsumed = true;
    if (!proxyReq.write(chunk)) {
      req.pause();
      armWrite(a);
    }
  };
  const onDrain = (): void => {
    clearWrite(a);
    if (!a.proxyRes) req.resume();
  };
  const onEnd = (): void => {
    proxyReq.end();
    if (proxyReq.writableLength > 0) armWrite(a);
  };
  const onReqError = (err: Error): void => {
    // the client went away mid-body: the client-close handler reports it
    if (req.socket.destroyed && (err as NodeJS.ErrnoException).code === "ECONNRESET") {
      proxyReq.destroy();
      return;
    }
    onAttemptFailure(a, err);
  };
  req.on("data", onData);
  req.once("end", onEnd);
  req.on("error", onReqError);
  proxyReq.on("drain", onDrain);
  a.unpipeBody = () => {
    req.off("data", onData);
    req.off("end", onEnd);
    req.off("error", onReqError);
    proxyReq.off("drain", onDrain);
  };
  req.resume();
}

function onProxyResponse(this: ClientRequest, proxyRes: IncomingMessage): void {
  const a = (this as ClientRequest & AttemptHolder)[kAttempt];
  if (a === undefined || a.done) {
    proxyRes.destroy();
    return;
  }
  const fx = a.fx;
  a.proxyRes = proxyRes;
  // answered before the whole request body was read: the client connection can't be reused
  fx.closeIfBodyUnread();
  clearWrite(a);
  if (a.connectTimer !== undefined) {
    clearTimeout(a.connectTimer);
    a.connectTimer = undefined;
  }
  // the response is what the client gets; it must never throw unhandled
  proxyRes.on("error", ignoreError);
  (proxyRes as IncomingMessage & AttemptHolder)[kAttempt] = a;
  proxyRes.on("end", onProxyResEnd);
  proxyRes.on("close", onProxyResClose);
  armRead(a);
  fx.respond(a, proxyRes);
}

function responseDone(a: Attempt): void {
  if (a.done) return;
  a.done = true;
  finishAttempt(a);
  // the upstream answered before reading the whole body: this socket can't be reused
  const proxyReq = a.proxyReq as ClientRequest;
  if (!proxyReq.writableFinished) proxyReq.destroy();
}

function onProxyResEnd(this: IncomingMessage): void {
  const a = (this as IncomingMessage & AttemptHolder)[kAttempt];
  if (a !== undefined) responseDone(a);
}

function onProxyResClose(this: IncomingMessage): void {
  const a = (this as IncomingMessage & AttemptHolder)[kAttempt];
  if (a === undefined) return;
  if (!this.readableEnded) onAttemptFailure(a, new UpstreamError("reset"));
  else responseDone(a);
}

function outboundHeaders(
  req: IncomingMessage,
  out: OutboundRequest,
): { headers: string[]; mode: BodyMode } {
  const headers =
    out.rawHeaders ??
    forwardableHeaders((out.headers ?? {}) as Record<string, unknown>, req.headers.connection);
  if (out.body) {
    headers.push("content-length", String(out.body.length));
    return { headers, mode: "buffer" };
  }
  if (req.headers["transfer-encoding"] !== undefined) {
    // keep chunked framing explicitly: Node would send a DELETE/OPTIONS body unframed otherwise
    headers.push("transfer-encoding", "chunked");
    return { headers, mode: "stream" };
  }
  const length = req.headers["content-length"];
  if (length !== undefined) {
    headers.push("content-length", length);
    return { headers, mode: Number(length) > 0 ? "stream" : "none" };
  }
  return { headers, mode: "none" };
}

/**
 * Forward `req` to `upstream` as `out`. Exactly one of `onResponse` / `onError` is called, once,
 * asynchronously. With `onResponse` the caller owns the response (see `pipeResponse`).
 */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  out: OutboundRequest,
  handlers: ForwardHandlers,
): void {
  if (INVALID_PATH.test(out.path) || out.path.charCodeAt(0) !== 47 /* "/" */) {
    throw new TypeError(
      `forward: out.path must start with "/" and contain no spaces or control characters`,
    );
  }
  const { headers, mode } = outboundHeaders(req, out);
  const fx = new Forwarding(
    req,
    res,
    upstream,
    out.method.toUpperCase(),
    out.path,
    headers,
    mode,
    out.body,
    handlers,
  );
  (res as ServerResponse & ForwardingHolder)[kForwarding] = fx;
  res.on("close", onClientClose);
  // Node emits a request 'error' only when someone listens; keep one for the whole exchange
  req.on("error", ignoreError);

  if (res.destroyed || res.writableEnded || req.socket.destroyed) {
    // the client is already gone (or this connection was refused): nothing to forward
    process.nextTick(() => fx.fail(new UpstreamError("cancelled")));
    return;
  }
  if (upstream.available === 0) {
    process.nextTick(() => fx.fail(new UpstreamError("unavailable")));
    return;
  }
  fx.start();
}

// ---- response body relay: proxyRes → res with backpressure (no stream.pipeline: Node 20's
// creates an AbortController and a DOMException per call) ----

type Piped = { [kPiped]?: ServerResponse | IncomingMessage };

function onPipedData(this: IncomingMessage, chunk: Buffer): void {
  const res = (this as IncomingMessage & Piped)[kPiped] as ServerResponse;
  if (!res.write(chunk)) this.pause();
}

function onPipedEnd(this: IncomingMessage): void {
  ((this as IncomingMessage & Piped)[kPiped] as ServerResponse).end();
}

function onPipedDrain(this: ServerResponse): void {
  const src = (this as ServerResponse & Piped)[kPiped] as IncomingMessage;
  if (!src.destroyed) src.resume();
}

function onPipedSourceFailed(this: IncomingMessage): void {
  if (this.readableEnded) return;
  const res = (this as IncomingMessage & Piped)[kPiped] as ServerResponse;
  if (!res.destroyed) res.destroy();
}

function onPipedClientClose(this: ServerResponse): void {
  if (this.writableFinished) return;
  const src = (this as ServerResponse & Piped)[kPiped] as IncomingMessage;
  if (!src.destroyed) src.destroy();
}

/**
 * Write the (possibly modified) response head, then stream the upstream body to the client with
 * backpressure. A failure on either side destroys the other (the client socket when the head
 * was already sent, never a second head). Without `head`, the upstream's raw header lines are
 * relayed (hop-by-hop removed).
 */
export function pipeResponse(
  proxyRes: IncomingMessage,
  res: ServerResponse,
  head?: { status: number; headers: OutgoingHttpHeaders | IncomingHttpHeaders },
): void {
  if (proxyRes.destroyed && !proxyRes.readableEnded) {
    res.destroy();
    return;
  }
  if (head !== undefined) writeResponseHead(res, head.status, head.headers);
  else writeRawResponseHead(res, proxyRes.statusCode ?? 502, proxyRes.rawHeaders);
  (proxyRes as IncomingMessage & Piped)[kPiped] = res;
  (res as ServerResponse & Piped)[kPiped] = proxyRes;
  proxyRes.on("error", onPipedSourceFailed);
  proxyRes.on("close", onPipedSourceFailed);
  res.on("close", onPipedClientClose);
  res.on("drain", onPipedDrain);
  proxyRes.on("end", onPipedEnd);
  proxyRes.on("data", onPipedData);
}
