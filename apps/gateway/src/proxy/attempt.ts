// One try against one target: the proxy.web call and its upstream side (the body hook, the socket,
// the request body, the response head). Failures go to the forwarding (forward.ts), which settles
// or retries; timeouts are in watchdog.ts.
//
// What is prepared before proxy.web, per attempt (never in http-proxy's 'proxyReq' event, so
// `Expect: 100-continue` requests, whose head Node renders inside http.request, get it too):
// - target (the Attempt itself: http-proxy's setupOutgoing reads protocol/host/port from it and
//   hands it back as the callback's 4th argument, which is how the callback finds its attempt
//   without a closure), the target's keep-alive agent, `secure` (TLS verification), method;
// - headers: the final headers, a flat list (`options.ssl`, see outgoingWithList) or a record
//   (`options.headers`). setupOutgoing starts from a copy of `req.headers` (the client's,
//   hop-by-hop included), so `req.headers` is swapped for an empty object for the duration of the
//   synchronous call and restored; `req.url` likewise becomes the final path (`toProxy`, no
//   prependPath).
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
//   (dropExpectIfPathMangled, outbound.ts).
// - headers: a flat list (the client's raw lines on the fast path) goes to http.request as is
//   (through the object setupOutgoing fills, outgoingWithList); where it cannot (TLS upstream,
//   a path urlJoin changes, no Host line: wireHeaders, outbound.ts) it becomes the record
//   http-proxy takes, repeats kept as arrays (headerRecord). Node validates either.
// - retries: the stream pass adds 'error'/'aborted' listeners to req per call; a retry removes
//   the failed attempts' ones (dropStaleListeners, forward.ts).
// - timeouts: connect timer, a read watchdog on the socket byte counter, write timer (watchdog.ts).
// State lives in two small classes (Forwarding, Attempt); listeners are module-level functions
// that find their state through a symbol on the emitter. http-proxy adds its own closures (its
// 'socket'/'response'/'error'/'aborted' listeners): that is the engine's cost.
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type httpProxy from "http-proxy";
import { engine } from "./engine.js";
import type { Forwarding } from "./forward.js";
import type { OutgoingHeaderRecord, WireHeaders } from "./outbound.js";
import type { Target } from "./pool.js";
import { ForwardError } from "./errors.js";
import {
  armConnect,
  armRead,
  armWrite,
  clearConnect,
  clearTimers,
  clearWrite,
} from "./watchdog.js";

const kAttempt = Symbol("gatehouse.attempt");

type AttemptHolder = { [kAttempt]?: Attempt | undefined };

/** what setupOutgoing copies from `req.headers` while proxy.web runs: nothing */
const NO_CLIENT_HEADERS: IncomingHttpHeaders = Object.freeze({}) as IncomingHttpHeaders;

export const ignoreError = (): void => undefined;

function socketReady(socket: Socket, https: boolean): boolean {
  if (https) {
    const protocol = (socket as TLSSocket).getProtocol?.();
    return typeof protocol === "string" && protocol !== "unknown";
  }
  return !socket.pending && !socket.connecting;
}

/** One try against one target; also http-proxy's `options.target` for that try. */
export class Attempt {
  /** read by http-proxy's setupOutgoing */
  readonly protocol: string;
  readonly host: string;
  readonly port: number;
  done = false;
  /** counted out of the target's requests in flight */
  released = false;
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
    // a host-name target's resolved addresses in turn (balancer/dns.ts), else the name itself
    this.host = target.state.address(target.host);
    target.state.active++;
    this.port = target.port;
  }
}

/** per-call options of proxy.web (merged over the server's by http-proxy) */
interface WebOptions {
  target: Attempt;
  agent: Target["agent"];
  method: string;
  /** the record form (wireHeaders) */
  headers: OutgoingHeaderRecord | undefined;
  /** the list form: the object setupOutgoing fills (see outgoingWithList) */
  ssl: { headers: string[] } | undefined;
  secure: boolean;
  buffer: typeof BODY_HOOK;
}

/**
 * setupOutgoing fills `options.ssl || {}` and hands it to http.request. For a flat header list this
 * object's own `headers` is a read-only data property holding the list: setupOutgoing's assignment
 * of its record (a copy of the swapped, empty `req.headers`) is ignored (http-proxy's common.js is
 * sloppy-mode code), and Node renders the list as is (wireHeaders, outbound.ts). A data property,
 * not an accessor: ClientRequest's Object.assign and the agent's option spread copy plain data
 * properties on V8's fast path, and an accessor sent both down the generic one (twice the time of
 * setupOutgoing + those two copies in a micro-benchmark).
 */
function outgoingWithList(list: string[]): { headers: string[] } {
  return Object.defineProperty({} as { headers: string[] }, "headers", {
    value: list,
    enumerable: true,
    writable: false,
  });
}

function webOptions(a: Attempt, headers: WireHeaders): WebOptions {
  const fx = a.fx;
  const list = Array.isArray(headers);
  return {
    target: a,
    agent: a.target.agent,
    method: fx.method,
    headers: list ? undefined : headers,
    ssl: list ? outgoingWithList(headers) : undefined,
    secure: fx.upstream.spec.tlsVerify !== false,
    buffer: BODY_HOOK,
  };
}

/** the attempt whose proxy.web call is running (the body hook is called synchronously inside it) */
let starting: Attempt | undefined;

/** Start `a`: one proxy.web call. */
export function launch(a: Attempt): void {
  const fx = a.fx;
  const req = fx.req;
  const options = webOptions(a, fx.headers);
  const savedUrl = req.url;
  const savedHeaders = req.headers;
  // setupOutgoing copies req.url / req.headers synchronously: the final path, no client headers
  req.url = fx.path;
  req.headers = NO_CLIENT_HEADERS;
  starting = a;
  try {
    engine.web(req, fx.res, options as unknown as httpProxy.ServerOptions, onProxyWebError);
  } catch (err) {
    // http.request throws synchronously on e.g. an invalid header value
    fx.attemptFailed(a, err);
  } finally {
    starting = undefined;
    req.url = savedUrl;
    req.headers = savedHeaders;
  }
}

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
  if (!proxyReq.reusedSocket) armConnect(a);
  return proxyReq;
}

/**
 * proxy.web's callback: errors of proxyReq (refused, reset, TLS...) and of the client request.
 * The 4th argument is `options.target`, i.e. the attempt. (A client request reset while its
 * socket is destroyed is not reported here: http-proxy aborts proxyReq and the client-close
 * handler reports the cancellation.)
 */
function onProxyWebError(err: Error, _req: unknown, _res: unknown, target: unknown): void {
  if (target instanceof Attempt) target.fx.attemptFailed(target, err);
}

/** The attempt is over: timers off, its listeners on the client request and proxyReq removed. */
export function finishAttempt(a: Attempt): void {
  if (!a.released) {
    a.released = true;
    a.target.state.active--;
  }
  clearTimers(a);
  const proxyReq = a.proxyReq;
  if (proxyReq !== undefined) proxyReq.removeListener("finish", onProxyReqFinish);
  if (a.unpipeBody !== undefined) {
    a.unpipeBody();
    a.unpipeBody = undefined;
  }
}

// ---- listeners (`this` is the emitter) ----

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
  clearConnect(a);
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
  clearConnect(a);
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
  if (!this.readableEnded) a.fx.attemptFailed(a, new ForwardError("reset"));
  else responseDone(a);
}
