import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import httpProxy from "http-proxy";
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
  /** a body a plugin buffered; else the client request stream is relayed */
  body?: Buffer;
}

export interface ForwardHandlers {
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void;
  onError(err: UpstreamError): void;
}

// The engine is http-proxy 1.18.1, hardened. Every upstream attempt is one
// `proxy.web(req, res, options, onProxyWebError)` call (callback on every call) on a single
// process-wide proxy server whose web passes are reduced to `stream`: `deleteLength` (sets
// content-length: 0 on a chunked DELETE/OPTIONS yet pipes the body: request smuggling),
// `timeout` and `XHeaders` are removed; framing, timeouts and X-Forwarded-* are ours.
// `selfHandleResponse: true`: the caller writes the response (pipeResponse).
//
// What is prepared before proxy.web, per attempt (never in http-proxy's 'proxyReq' event, so
// `Expect: 100-continue` requests, whose head Node renders inside http.request, get it too):
// - target (the Attempt itself: http-proxy's setupOutgoing reads protocol/host/port from it and
//   hands it back as the callback's 4th argument, which is how the callback finds its attempt
//   without a closure), the target's keep-alive agent, `secure` (TLS verification), method;
// - headers: the final header record in `options.headers`. setupOutgoing starts from a copy of
//   `req.headers` (the client's, hop-by-hop included), so `req.headers` is swapped for an empty
//   object for the duration of the synchronous call and restored; `req.url` likewise becomes
//   the final path (`toProxy`, no prependPath).
//
// Where the stream pass would reintroduce a flaw, ours replaces it:
// - the body: the stream pass pipes `options.buffer || req` into proxyReq. `buffer` is a
//   module-level `{ pipe }` hook that does not pipe: we write the body ourselves once the socket
//   is connected (a buffered body is re-sent on a retry; a streamed one is relayed with
//   backpressure and a write timeout, and a connect failure before the first byte can still be
//   retried). Piping the client request at once would consume it before the connect outcome.
// - the path: setupOutgoing's urlJoin collapses "//" and rewrites "http:/"; the hook puts the
//   verbatim path back on proxyReq (before its head is rendered). An Expect request's head is
//   rendered inside http.request: when urlJoin would change its path, Expect is not forwarded
//   (see dropExpectIfPathMangled).
// - headers: a flat list (the client's raw lines on the fast path) becomes the record http-proxy
//   takes, repeats kept as arrays (headerRecord); Node validates and stores them per header.
// - retries: the stream pass adds 'error'/'aborted' listeners to req per call; a retry removes
//   the failed attempts' ones (dropStaleListeners).
// - timeouts: connect timer, a read watchdog on the socket byte counter, write timer (below).
// State lives in two small classes (Forwarding, Attempt); listeners are module-level functions
// that find their state through a symbol on the emitter. http-proxy adds its own closures (its
// 'socket'/'response'/'error'/'aborted' listeners): that is the engine's cost.

const proxy = httpProxy.createProxyServer({
  selfHandleResponse: true,
  toProxy: true,
  prependPath: false,
  followRedirects: false,
  xfwd: false,
});
const passes = (proxy as unknown as { webPasses: Array<{ name: string }> }).webPasses;
if (!passes.some((p) => p.name === "deleteLength") || !passes.some((p) => p.name === "stream")) {
  throw new Error("http-proxy: unexpected web passes, the deleteLength fix needs review");
}
passes.splice(0, passes.length, ...passes.filter((p) => p.name === "stream"));
// every proxy.web call has a callback; this listener only keeps a stray 'error' from throwing
proxy.on("error", () => undefined);
/** @internal the http-proxy server every attempt goes through (tests observe its events) */
export const engine = proxy;

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
const INVALID_PATH = /[^\u0021-\u00ff]/;
/** what setupOutgoing's urlJoin would change in the path part: "//" and "http(s):/" */
const JOIN_MANGLES = /\/\/|:\//;

const kAttempt = Symbol("gatehouse.attempt");
const kForwarding = Symbol("gatehouse.forwarding");
const kPiped = Symbol("gatehouse.piped");

type BodyMode = "none" | "buffer" | "stream";
type HeaderRecord = Record<string, string | string[]>;

type AttemptHolder = { [kAttempt]?: Attempt | undefined };
type ForwardingHolder = { [kForwarding]?: Forwarding };

/** what setupOutgoing copies from `req.headers` while proxy.web runs: nothing */
const NO_CLIENT_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

function socketReady(socket: Socket, https: boolean): boolean {
  if (https) {
    const protocol = (socket as TLSSocket).getProtocol?.();
    return typeof protocol === "string" && protocol !== "unknown";
  }
  return !socket.pending && !socket.connecting;
}

const ignoreError = (): void => undefined;

/**
 * The flat header list as the record http-proxy takes (`options.headers`). Repeated names
 * (any spelling) become one array in order, so Node still sends one line per value; the
 * first spelling is kept. setupOutgoing copies the record with util._extend, which walks keys
 * last to first: the record is built last to first too, so the wire keeps the client's order
 * (a repeated name sits where its last line was).
 */
function headerRecord(list: string[]): HeaderRecord {
  const out: HeaderRecord = {};
  let index: Record<string, string> | undefined;
  for (let i = list.length - 2; i >= 0; i -= 2) {
    const name = list[i] as string;
    const value = list[i + 1] as string;
    const lower = name.toLowerCase();
    index ??= Object.create(null) as Record<string, string>;
    const key = index[lower];
    if (key === undefined) {
      index[lower] = name;
      out[name] = value;
      continue;
    }
    const prev = out[key] as string | string[];
    const values = typeof prev === "string" ? [value, prev] : (prev.unshift(value), prev);
    if (key !== name) {
      // keep the first spelling (this one, walking backwards)
      delete out[key];
      index[lower] = name;
    }
    out[name] = values;
  }
  return out;
}

/** One try against one target; also http-proxy's `options.target` for that try. */
class Attempt {
  /** read by http-proxy's setupOutgoing */
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
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
  ) {
    this.protocol = fx.https ? "https:" : "http:";
    this.host = target.host;
    this.port = target.port;
  }
}

/** per-call options of proxy.web (merged over the server's by http-proxy) */
interface WebOptions {
  target: Attempt;
  agent: Target["agent"];
  method: string;
  headers: HeaderRecord;
  secure: boolean;
  buffer: typeof BODY_HOOK;
}

/** State of one forward() call (all its attempts). */
class Forwarding {
  readonly https: boolean;
  tried: Set<Target> | undefined;
  settled = false;
  clientGone = false;
  bodyConsumed = false;
  connectRetries = 0;
  staleRetried = false;
  attempts = 0;
  /** listeners on req before the first proxy.web: later ones are http-proxy's (see dropStale) */
  errorBase = 0;
  abortedBase = 0;
  current: Attempt | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly upstream: Upstream,
    readonly method: string,
    readonly path: string,
    readonly headers: HeaderRecord,
    readonly mode: BodyMode,
    readonly body: Buffer | undefined,
    readonly handlers: ForwardHandlers,
  ) {
    this.https = upstream.spec.protocol === "https";
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
    const req = this.req;
    if (this.attempts++ > 0) dropStaleListeners(this);
    else {
      this.errorBase = req.listenerCount("error");
      this.abortedBase = req.listenerCount("aborted");
    }
    const a = new Attempt(this, chosen, performance.now());
    this.current = a;
    const options: WebOptions = {
      target: a,
      agent: chosen.agent,
      method: this.method,
      headers: this.headers,
      secure: this.upstream.spec.tlsVerify !== false,
      buffer: BODY_HOOK,
    };
    const savedUrl = req.url;
    const savedHeaders = req.headers;
    // setupOutgoing copies req.url / req.headers synchronously: the final path, no client headers
    req.url = this.path;
    req.headers = NO_CLIENT_HEADERS;
    starting = a;
    try {
      proxy.web(req, this.res, options as unknown as httpProxy.ServerOptions, onProxyWebError);
    } catch (err) {
      // http.request throws synchronously on e.g. an invalid header value
      onAttemptFailure(a, err);
    } finally {
      starting = undefined;
      req.url = savedUrl;
      req.headers = savedHeaders;
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

/**
 * A retry is another proxy.web call, and http-proxy's stream pass adds an 'error' (`proxyError`)
 * and an 'aborted' listener to `req` on every call. Those of the failed attempts are removed
 * (only on this retry path: the common path pays nothing), so `retries` up to 32767 can't pile
 * up listeners on the client request.
 */
function dropStaleListeners(fx: Forwarding): void {
  const req = fx.req;
  const errors = req.listeners("error");
  for (let i = errors.length - 1; i >= fx.errorBase; i--) {
    const fn = errors[i] as (...args: unknown[]) => void;
    if (fn.name === "proxyError") req.removeListener("error", fn);
  }
  const aborted = req.listeners("aborted");
  for (let i = aborted.length - 1; i >= fx.abortedBase; i--) {
    const fn = aborted[i] as (...args: unknown[]) => void;
    if (fn.name === "") req.removeListener("aborted", fn);
  }
}

/** the attempt whose proxy.web call is running (the body hook is called synchronously inside it) */
let starting: Attempt | undefined;

/**
 * http-proxy's `buffer` option: the stream pass calls `(options.buffer || req).pipe(proxyReq)`
 * right after http.request. Nothing is piped here: the body is written by sendBody once the
 * socket is connected. The hook only takes over proxyReq (our listeners, the verbatim path, the
 * connect timer).
 */
const BODY_HOOK = { pipe: onProxyReq };

function onProxyReq(proxyReq: ClientRequest): ClientRequest {
  const a = starting;
  if (a === undefined || a.done) {
    proxyReq.destroy();
    return proxyReq;
  }
  a.proxyReq = proxyReq;
  const fx = a.fx;
  // urlJoin collapsed "//" / rewrote "http:/": send ours verbatim (the head is not rendered yet;
  // for Expect requests forward() made sure urlJoin had nothing to change)
  if (proxyReq.path !== fx.path) proxyReq.path = fx.path;
  (proxyReq as ClientRequest & AttemptHolder)[kAttempt] = a;
  proxyReq.on("socket", onProxyReqSocket);
  proxyReq.on("response", onProxyResponse);
  // a pooled socket was handed over synchronously: it is connected, no connect timer needed
  if (!proxyReq.reusedSocket) {
    a.connectTimer = setTimeout(onConnectTimeout, fx.upstream.spec.connectTimeout, a);
  }
  return proxyReq;
}

/**
 * proxy.web's callback: errors of proxyReq (refused, reset, TLS...) and of the client request.
 * The 4th argument is `options.target`, i.e. the attempt. (A client request reset while its
 * socket is destroyed is not reported here: http-proxy aborts proxyReq and the client-close
 * handler reports the cancellation.)
 */
function onProxyWebError(err: Error, _req: unknown, _res: unknown, target: unknown): void {
  if (target instanceof Attempt) onAttemptFailure(target, err);
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
  // client request errors reach proxy.web's callback (http-proxy's listener on req)
  req.on("data", onData);
  req.once("end", onEnd);
  proxyReq.on("drain", onDrain);
  a.unpipeBody = () => {
    req.off("data", onData);
    req.off("end", onEnd);
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
 * Node renders the head of a request with an Expect header inside http.request, i.e. with the
 * path urlJoin produced, before the body hook can put the verbatim path back. When urlJoin
 * would change this path, Expect is not forwarded (the client already got its 100 Continue
 * from our server; the upstream receives the body right away either way).
 */
function dropExpectIfPathMangled(headers: string[], path: string): void {
  const q = path.indexOf("?");
  if (!JOIN_MANGLES.test(q === -1 ? path : path.slice(0, q))) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = headers[i] as string;
    if (name.length === 6 && name.toLowerCase() === "expect") headers.splice(i, 2);
  }
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
  if (req.headers.expect !== undefined || out.headers !== undefined)
    dropExpectIfPathMangled(headers, out.path);
  const fx = new Forwarding(
    req,
    res,
    upstream,
    out.method.toUpperCase(),
    out.path,
    headerRecord(headers),
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
