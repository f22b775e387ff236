// forward(): one client request to one upstream, over as many attempts as the retry rules allow.
// The layout of the forwarding module:
// - engine.ts    the hardened http-proxy server every attempt goes through
// - outbound.ts  request setup: path check, header list and framing, body mode
// - forward.ts   this file: the forwarding's state, target choice, retries, settling, client close
// - attempt.ts   one try against one target: proxy.web, socket, request body, response head
// - watchdog.ts  an attempt's connect timer, read watchdog and write timer
// - response.ts  pipeResponse: the upstream body relayed to the client with backpressure
// - upgrade.ts   forwardUpgrade: a WebSocket handshake and its relay (proxy.ws)
import { sendContinue } from "../net/expect-continue.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Attempt, finishAttempt, ignoreError, launch } from "./attempt.js";
import { ERR_NO_PEER } from "./balancer/balancing.js";
import { ForwardError, classifyError, isConnectFailure } from "./errors.js";
import {
  assertOutboundPath,
  dropExpectIfPathMangled,
  outboundHeaders,
  wireHeaders,
} from "./outbound.js";
import type { BodyMode, OutboundRequest, WireHeaders } from "./outbound.js";
import type { Target, Upstream } from "./pool.js";

export type { OutboundRequest } from "./outbound.js";

export interface ForwardHandlers {
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void;
  onError(err: ForwardError): void;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);

const kForwarding = Symbol("gatehouse.forwarding");

type ForwardingHolder = { [kForwarding]?: Forwarding };

/** State of one forward() call (all its attempts). */
export class Forwarding {
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
    readonly headers: WireHeaders,
    readonly mode: BodyMode,
    readonly body: Buffer | undefined,
    readonly handlers: ForwardHandlers,
    readonly hashKey: string | undefined,
  ) {
    this.https = upstream.spec.protocol === "https";
  }

  fail(err: ForwardError): void {
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
    this.upstream.passive?.response(a.target.state, proxyRes.statusCode ?? 0, latency);
    try {
      this.handlers.onResponse(proxyRes, {
        target: a.target.id,
        upstreamLatencyMs: Math.round(latency * 1000) / 1000,
      });
    } catch {
      this.crashed();
    }
  }

  /** A failure of attempt `a` (transport error, timeout): settles or retries. */
  attemptFailed(a: Attempt, raw: unknown): void {
    onAttemptFailure(a, raw);
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
      chosen = this.upstream.pick(tried, this.hashKey);
      if (chosen === undefined && tried !== undefined && tried.size > 0) {
        tried.clear();
        chosen = this.upstream.pick(tried, this.hashKey);
      }
    }
    if (chosen === undefined) {
      this.fail(noPeer(this.upstream));
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
    launch(a);
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

/** No target may take the request: for an upstream entity, Kong's 503 message. */
export function noPeer(upstream: Upstream): ForwardError {
  return upstream.spec.balancing
    ? new ForwardError("unavailable", { message: ERR_NO_PEER, clientMessage: ERR_NO_PEER })
    : new ForwardError("unavailable");
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

/** Stop an attempt for good: destroy the upstream request; errors that follow are ignored. */
function abortAttempt(a: Attempt, err: ForwardError): void {
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
  if (!fx.clientGone) fx.upstream.passive?.failure(a.target.state, err.kind);
  if (fx.clientGone) {
    fx.fail(new ForwardError("cancelled", { cause: err.kind === "cancelled" ? undefined : err }));
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

function onClientClose(this: ServerResponse): void {
  const fx = (this as ServerResponse & ForwardingHolder)[kForwarding];
  if (fx === undefined || this.writableFinished) return;
  fx.clientGone = true;
  if (fx.current) abortAttempt(fx.current, new ForwardError("cancelled"));
  else fx.fail(new ForwardError("cancelled"));
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
  assertOutboundPath(out.path);
  sendContinue(req); // the body goes upstream: the client may send it now
  const { headers, mode } = outboundHeaders(req, out);
  if (req.headers.expect !== undefined || out.headers !== undefined)
    dropExpectIfPathMangled(headers, out.path);
  const fx = new Forwarding(
    req,
    res,
    upstream,
    out.method.toUpperCase(),
    out.path,
    wireHeaders(headers, out.path, upstream.spec.protocol === "https"),
    mode,
    out.body,
    handlers,
    out.hashKey,
  );
  (res as ServerResponse & ForwardingHolder)[kForwarding] = fx;
  res.on("close", onClientClose);
  // Node emits a request 'error' only when someone listens; keep one for the whole exchange
  req.on("error", ignoreError);

  if (res.destroyed || res.writableEnded || req.socket.destroyed) {
    // the client is already gone (or this connection was refused): nothing to forward
    process.nextTick(() => fx.fail(new ForwardError("cancelled")));
    return;
  }
  if (upstream.available === 0) {
    process.nextTick(() => fx.fail(noPeer(upstream)));
    return;
  }
  fx.start();
}
