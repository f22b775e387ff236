import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { pipeline } from "node:stream";
import httpProxy from "http-proxy";
import { UpstreamError, classifyError, isConnectFailure } from "./errors.js";
import { hopByHopStrip, writeResponseHead } from "./headers.js";
import type { Target, Upstream } from "./pool.js";

export interface OutboundRequest {
  method: string;
  /** already normalized and joined, with ?query; sent verbatim */
  path: string;
  /** final headers (after plugins); hop-by-hop headers and framing are handled here */
  headers: Record<string, string | string[]>;
  /** a body a plugin buffered; else the client request stream is piped */
  body?: Buffer;
}

export interface ForwardHandlers {
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void;
  onError(err: UpstreamError): void;
}

// One http-proxy server for the process. Only its `stream` pass runs: `deleteLength` (sets
// content-length: 0 on a chunked DELETE/OPTIONS yet pipes the body: request smuggling),
// `timeout` and `XHeaders` are removed, we do framing, timeouts and X-Forwarded-* ourselves.
const proxy = httpProxy.createProxyServer({});
const passes = (proxy as unknown as { webPasses: Array<{ name: string }> }).webPasses;
if (!passes.some((p) => p.name === "deleteLength") || !passes.some((p) => p.name === "stream")) {
  throw new Error("http-proxy: unexpected web passes, the deleteLength fix needs review");
}
passes.splice(0, passes.length, ...passes.filter((p) => p.name === "stream"));
// every proxy.web call has a callback; this listener only keeps a stray 'error' from throwing
proxy.on("error", () => undefined);

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"]);
const INVALID_PATH = /[^\u0021-\u00ff]/;

interface Attempt {
  target: Target;
  started: number;
  done: boolean;
  proxyReq?: ClientRequest;
  proxyRes?: IncomingMessage;
  socket?: Socket;
  reused: boolean;
  lastRead: number;
  connectTimer?: NodeJS.Timeout;
  readTimer?: NodeJS.Timeout;
  writeTimer?: NodeJS.Timeout;
  cleanup: Array<() => void>;
  reqListeners: Array<() => void>;
}

function socketReady(socket: Socket, https: boolean): boolean {
  if (https) {
    const protocol = (socket as TLSSocket).getProtocol?.();
    return typeof protocol === "string" && protocol !== "unknown";
  }
  return !socket.pending && !socket.connecting;
}

const ignoreError = (): void => undefined;

type BodyMode = "none" | "buffer" | "stream";

function outboundHeaders(
  req: IncomingMessage,
  out: OutboundRequest,
): { headers: IncomingHttpHeaders; mode: BodyMode } {
  const headers = hopByHopStrip(out.headers, req.headers.connection) as IncomingHttpHeaders;
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === "content-length") delete headers[key];
  }
  if (out.body) {
    headers["content-length"] = String(out.body.length);
    return { headers, mode: "buffer" };
  }
  if (req.headers["transfer-encoding"] !== undefined) {
    // keep chunked framing explicitly: Node would send a DELETE/OPTIONS body unframed otherwise
    headers["transfer-encoding"] = "chunked";
    return { headers, mode: "stream" };
  }
  const length = req.headers["content-length"];
  if (length !== undefined) {
    headers["content-length"] = length;
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
  if (INVALID_PATH.test(out.path) || !out.path.startsWith("/")) {
    throw new TypeError(
      `forward: out.path must start with "/" and contain no spaces or control characters`,
    );
  }
  const spec = upstream.spec;
  const https = spec.protocol === "https";
  const method = out.method.toUpperCase();
  const { headers, mode } = outboundHeaders(req, out);
  const tried = new Set<Target>();
  let settled = false;
  let clientGone = false;
  let bodyConsumed = false;
  let connectRetries = 0;
  let staleRetried = false;
  let current: Attempt | undefined;

  const settle = (fn: () => void): void => {
    if (settled) return;
    settled = true;
    try {
      fn();
    } catch {
      // a throwing handler must not take the process down; the client gets a closed socket
      current?.proxyReq?.destroy();
      res.destroy();
    }
  };
  const fail = (err: UpstreamError): void => settle(() => handlers.onError(err));

  const onClientClose = (): void => {
    if (res.writableFinished) return;
    clientGone = true;
    if (current) abortAttempt(current, new UpstreamError("cancelled"));
    else fail(new UpstreamError("cancelled"));
  };
  res.once("close", onClientClose);
  // Node emits a request 'error' only when someone listens; http-proxy's listeners of failed
  // attempts are removed, so keep one for the whole exchange
  if (!req.listeners("error").includes(ignoreError)) req.on("error", ignoreError);

  function clearTimers(a: Attempt): void {
    clearTimeout(a.connectTimer);
    clearTimeout(a.readTimer);
    clearTimeout(a.writeTimer);
  }

  function finishAttempt(a: Attempt): void {
    clearTimers(a);
    for (const fn of a.cleanup.splice(0)) fn();
  }

  /** Stop an attempt for good: destroy the upstream request; errors that follow are ignored. */
  function abortAttempt(a: Attempt, err: UpstreamError): void {
    if (a.done) {
      // response already handed over: fail its body so the caller's pipe tears down
      if (a.proxyRes && !a.proxyRes.readableEnded && !a.proxyRes.destroyed) a.proxyRes.destroy(err);
      a.proxyReq?.destroy();
      return;
    }
    a.done = true;
    finishAttempt(a);
    a.proxyReq?.destroy();
    // http-proxy's listeners on req for this failed attempt (a retry adds its own)
    for (const fn of a.reqListeners.splice(0)) fn();
    closeIfBodyUnread();
    if (clientGone) {
      fail(new UpstreamError("cancelled", { cause: err.kind === "cancelled" ? undefined : err }));
      return;
    }
    if (isConnectFailure(err) && connectRetries < spec.retries && !bodyConsumed) {
      connectRetries++;
      start();
      return;
    }
    const staleSocket =
      err.kind === "reset" &&
      a.reused &&
      !a.proxyRes &&
      !staleRetried &&
      IDEMPOTENT.has(method) &&
      (mode !== "stream" || !bodyConsumed);
    if (staleSocket) {
      staleRetried = true;
      upstream.dropIdle(a.target);
      start(a.target);
      return;
    }
    fail(err);
  }

  /** A partly read request body leaves the client connection in an unknown state: close it after the response. */
  function closeIfBodyUnread(): void {
    if (mode === "stream" && bodyConsumed && !req.readableEnded && !res.headersSent)
      res.shouldKeepAlive = false;
  }

  function armRead(a: Attempt): void {
    if (a.readTimer || a.done) return;
    a.lastRead = performance.now();
    const check = (): void => {
      const idle = performance.now() - a.lastRead;
      if (idle < spec.readTimeout) {
        a.readTimer = setTimeout(check, spec.readTimeout - idle + 1);
        return;
      }
      const consumerPaused =
        a.proxyRes && (a.proxyRes.readableFlowing !== true || res.writableNeedDrain);
      if (consumerPaused) {
        a.lastRead = performance.now();
        a.readTimer = setTimeout(check, spec.readTimeout);
        return;
      }
      a.readTimer = undefined;
      onAttemptFailure(a, new UpstreamError("read_timeout"));
    };
    a.readTimer = setTimeout(check, spec.readTimeout);
  }

  function armWrite(a: Attempt): void {
    if (a.writeTimer || a.done || a.proxyRes) return;
    a.writeTimer = setTimeout(() => {
      a.writeTimer = undefined;
      onAttemptFailure(a, new UpstreamError("write_timeout"));
    }, spec.writeTimeout);
  }

  function clearWrite(a: Attempt): void {
    clearTimeout(a.writeTimer);
    a.writeTimer = undefined;
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

  function sendBody(a: Attempt, proxyReq: ClientRequest): void {
    if (mode === "buffer") {
      if (!proxyReq.write(out.body as Buffer)) armWrite(a);
      proxyReq.end();
      return;
    }
    if (mode === "none" || req.readableEnded) {
      proxyReq.end();
      return;
    }
    const onData = (chunk: Buffer): void => {
      bodyConsumed = true;
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
    req.on("data", onData);
    req.once("end", onEnd);
    proxyReq.on("drain", onDrain);
    a.cleanup.push(() => {
      req.off("data", onData);
      req.off("end", onEnd);
      proxyReq.off("drain", onDrain);
    });
    req.resume();
  }

  function onConnected(a: Attempt, proxyReq: ClientRequest): void {
    if (a.done) return;
    clearTimeout(a.connectTimer);
    a.connectTimer = undefined;
    const socket = a.socket as Socket;
    const onSocketData = (): void => {
      a.lastRead = performance.now();
    };
    socket.on("data", onSocketData);
    a.cleanup.push(() => socket.off("data", onSocketData));
    const onFinish = (): void => {
      clearWrite(a);
      armRead(a);
    };
    proxyReq.once("finish", onFinish);
    a.cleanup.push(() => proxyReq.off("finish", onFinish));
    sendBody(a, proxyReq);
  }

  function onProxyReq(a: Attempt, proxyReq: ClientRequest): void {
    a.proxyReq = proxyReq;
    // http-proxy joins paths (collapsing "//", rewriting "http:/"); send ours verbatim
    if (proxyReq.path !== out.path) proxyReq.path = out.path;
    if (a.done || clientGone) {
      proxyReq.destroy();
      return;
    }
    a.connectTimer = setTimeout(() => {
      a.connectTimer = undefined;
      onAttemptFailure(a, new UpstreamError("connect_timeout"));
    }, spec.connectTimeout);
    proxyReq.once("socket", (socket: Socket) => {
      a.socket = socket;
      a.reused = proxyReq.reusedSocket;
      // a pooled socket (reused, or handed to a queued request) is ready at once
      if (socketReady(socket, https)) onConnected(a, proxyReq);
      else socket.once(https ? "secureConnect" : "connect", () => onConnected(a, proxyReq));
    });
    proxyReq.once("response", (proxyRes: IncomingMessage) => {
      if (a.done) {
        proxyRes.destroy();
        return;
      }
      a.proxyRes = proxyRes;
      // answered before the whole request body was read: the client connection can't be reused
      closeIfBodyUnread();
      clearWrite(a);
      clearTimeout(a.connectTimer);
      // the response is what the client gets; it must never throw unhandled
      proxyRes.on("error", () => undefined);
      const done = (): void => {
        if (a.done) return;
        a.done = true;
        finishAttempt(a);
        // the upstream answered before reading the whole body: this socket can't be reused
        if (!proxyReq.writableFinished) proxyReq.destroy();
      };
      proxyRes.once("end", done);
      proxyRes.once("close", () => {
        if (!proxyRes.readableEnded) onAttemptFailure(a, new UpstreamError("reset"));
        else done();
      });
      armRead(a);
      const latency = performance.now() - a.started;
      settle(() =>
        handlers.onResponse(proxyRes, {
          target: a.target.id,
          upstreamLatencyMs: Math.round(latency * 1000) / 1000,
        }),
      );
    });
  }

  function start(target?: Target): void {
    let chosen = target;
    if (!chosen) {
      chosen = upstream.pick(tried);
      if (!chosen && tried.size > 0) {
        tried.clear();
        chosen = upstream.pick(tried);
      }
    }
    if (!chosen) {
      fail(new UpstreamError("unavailable"));
      return;
    }
    tried.add(chosen);
    const a: Attempt = {
      target: chosen,
      started: performance.now(),
      done: false,
      reused: false,
      lastRead: 0,
      cleanup: [],
      reqListeners: [],
    };
    current = a;
    const savedUrl = req.url;
    const savedHeaders = req.headers;
    // http-proxy copies req.url / req.headers synchronously: give it the final ones, then restore
    req.url = out.path;
    req.headers = { ...headers };
    const before = { error: req.listeners("error"), aborted: req.listeners("aborted") };
    try {
      proxy.web(
        req,
        res,
        {
          target: { protocol: `${spec.protocol}:`, host: chosen.host, port: chosen.port },
          agent: chosen.agent,
          selfHandleResponse: true,
          toProxy: true,
          prependPath: false,
          followRedirects: false,
          secure: spec.tlsVerify !== false,
          method,
          buffer: {
            pipe: (proxyReq: ClientRequest) => (onProxyReq(a, proxyReq), proxyReq),
          } as never,
        },
        (err: Error) => onAttemptFailure(a, err),
      );
    } catch (err) {
      onAttemptFailure(a, err);
    } finally {
      req.url = savedUrl;
      req.headers = savedHeaders;
    }
    for (const event of ["error", "aborted"] as const) {
      for (const fn of req.listeners(event)) {
        if (before[event].includes(fn)) continue;
        a.reqListeners.push(() => req.off(event, fn as (...args: unknown[]) => void));
      }
    }
  }

  if (res.destroyed || res.writableEnded || req.socket.destroyed) {
    // the client is already gone (or this connection was refused): nothing to forward
    process.nextTick(() => fail(new UpstreamError("cancelled")));
    return;
  }
  if (upstream.available === 0) {
    process.nextTick(() => fail(new UpstreamError("unavailable")));
    return;
  }
  start();
}

/**
 * Write the (possibly modified) response head, then stream the upstream body to the client with
 * backpressure. A failure on either side destroys the other (the client socket when the head
 * was already sent, never a second head).
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
  writeResponseHead(
    res,
    head?.status ?? proxyRes.statusCode ?? 502,
    head?.headers ?? proxyRes.headers,
  );
  pipeline(proxyRes, res, (err) => {
    if (!err) return;
    proxyRes.destroy();
    if (!res.destroyed) res.destroy();
  });
}
