// forwardUpgrade(): a WebSocket handshake (`Upgrade: websocket`) to one upstream through
// http-proxy's WebSocket support (`proxy.ws`), after the request went through routing and the
// rewrite/access phases. The target comes from the balancer like for HTTP (connect failures are
// retried on another target up to the service's `retries`); the upstream connection goes through
// the target's agent, so the deny list (guard.ts) and the service's TLS settings apply (wss towards
// an https service). Once the upstream switched protocols, http-proxy writes its 101 to the client
// and pipes the two sockets; frames are relayed both ways until either side closes. The service's
// read_timeout is the relay's idle timeout (no byte either way for that long: both sockets close).
//
// Where http-proxy's ws pass does not fit, ours takes over:
// - errors: its error path calls the callback, then `socket.end()` on the client socket. Before
//   the upstream answered, the gateway still owes the client an HTTP answer (a 502/503/504
//   through the error formatting, maybe after the error flow's catch handlers): that one end()
//   call is skipped (keepClientOpen), the answer ends the socket.
// - the head: `socket.unshift(head)` happens on every call; a retry passes an empty head.
// - timeouts: a connect timer and a read timer for the upstream's answer (the pass has none).
// - an answer other than 101: http-proxy would copy its head as is before a decoded body; it is
//   handed to the caller like an HTTP response instead (onResponse).
// - closing: a client or upstream socket destroyed without a FIN (reset, idle timeout) also
//   ends the other side (the pass's pipe only forwards a clean end).
import type { ClientRequest, IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type httpProxy from "http-proxy";
import { engine } from "./engine.js";
import { ForwardError, classifyError, isConnectFailure } from "./errors.js";
import { noPeer } from "./forward.js";
import { headerRecord, outboundHeaders } from "./outbound.js";
import type { OutboundRequest } from "./outbound.js";
import type { Target, Upstream } from "./pool.js";

export interface UpgradeHandlers {
  /** the upstream switched protocols: its 101 went to the client, frames are relayed */
  onUpgraded(info: { target: string; upstreamLatencyMs: number }): void;
  /** the upstream answered without switching protocols: the caller relays that response */
  onResponse(proxyRes: IncomingMessage, info: { target: string; upstreamLatencyMs: number }): void;
  /** nothing was written to the client: the caller answers (the client socket is still open) */
  onError(err: ForwardError): void;
  /** the client connection closed (after any of the above) */
  onClosed(): void;
}

/** The client side of an upgrade: its socket and the bytes read past the request head. */
export interface UpgradeClient {
  socket: Duplex;
  head: Buffer;
}

/** ms a side gets to flush and close after the other side went away, before it is destroyed */
const CLOSE_GRACE_MS = 2_000;
const EMPTY = Buffer.alloc(0);
const kRelay = Symbol("gatehouse.relay");

/** State of one upgrade (all its attempts, then the relay). */
class Relay {
  readonly started = performance.now();
  tried: Set<Target> | undefined;
  connectRetries = 0;
  /** the upstream answered (101 or not), or the relay failed: no more attempts */
  settled = false;
  upgraded = false;
  proxyReq: ClientRequest | undefined;
  proxySocket: Socket | undefined;
  target: Target | undefined;
  attemptStarted = 0;
  timer: NodeJS.Timeout | undefined;
  released = true;
  head: Buffer;

  constructor(
    readonly req: IncomingMessage,
    readonly client: Duplex,
    readonly upstream: Upstream,
    readonly path: string,
    readonly headers: Record<string, string | string[]>,
    readonly hashKey: string | undefined,
    readonly handlers: UpgradeHandlers,
    head: Buffer,
  ) {
    this.head = head;
  }

  info(): { target: string; upstreamLatencyMs: number } {
    const ms = performance.now() - this.attemptStarted;
    return { target: this.target?.id ?? "", upstreamLatencyMs: Math.round(ms * 1000) / 1000 };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (this.target !== undefined) this.target.state.active--;
  }

  clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** the relay whose proxy.ws call is running ('proxyReqWs' is emitted synchronously inside it) */
let starting: Relay | undefined;

engine.on("proxyReqWs", (proxyReq: ClientRequest) => {
  const r = starting;
  if (r === undefined) return;
  r.proxyReq = proxyReq;
  // registered before http-proxy's own 'upgrade'/'response' listeners: ours run first
  proxyReq.on("upgrade", (proxyRes: IncomingMessage, proxySocket: Socket) =>
    onUpgrade(r, proxyRes, proxySocket),
  );
  (proxyReq as ClientRequest & { [kRelay]?: Relay })[kRelay] = r;
  proxyReq.on("response", onResponse);
  proxyReq.on("socket", (socket: Socket) => {
    const connected = () => armRead(r);
    if (!socket.connecting && !socket.pending) connected();
    else socket.once(r.upstream.spec.protocol === "https" ? "secureConnect" : "connect", connected);
  });
});

/**
 * The upstream answered without switching protocols: an ordinary response, handed to the caller
 * like an HTTP one (framing, plugins' response phases). http-proxy's own listener, which would
 * copy the head as is before a decoded body, is removed right after proxy.ws (start()).
 */
function onResponse(this: ClientRequest, proxyRes: IncomingMessage): void {
  const r = (this as ClientRequest & { [kRelay]?: Relay })[kRelay];
  if (r === undefined || (proxyRes as IncomingMessage & { upgrade?: boolean }).upgrade) return;
  if (r.settled) {
    proxyRes.destroy();
    return;
  }
  r.settled = true;
  r.clearTimer();
  proxyRes.on("error", () => undefined);
  proxyRes.once("close", () => r.release());
  r.upstream.passive?.response(
    (r.target as Target).state,
    proxyRes.statusCode ?? 0,
    performance.now() - r.attemptStarted,
  );
  r.handlers.onResponse(proxyRes, r.info());
}

// after http-proxy piped the sockets (its setupSocket cleared the upstream socket's timeout)
engine.on("open", (proxySocket: Socket) => {
  const r = (proxySocket as Socket & { [kRelay]?: Relay })[kRelay];
  if (r === undefined) return;
  proxySocket.setTimeout(r.upstream.spec.readTimeout);
  proxySocket.once("timeout", () => {
    proxySocket.destroy();
    r.client.destroy();
  });
});

function onUpgrade(r: Relay, proxyRes: IncomingMessage, proxySocket: Socket): void {
  if (r.settled) {
    proxySocket.destroy();
    return;
  }
  r.settled = true;
  r.upgraded = true;
  r.clearTimer();
  r.release();
  r.proxySocket = proxySocket;
  (proxySocket as Socket & { [kRelay]?: Relay })[kRelay] = r;
  r.upstream.passive?.response(
    (r.target as Target).state,
    101,
    performance.now() - r.attemptStarted,
  );
  const client = r.client;
  // either side gone without a clean end: the other side ends too (destroyed after a grace)
  proxySocket.once("close", () => closeSoon(client));
  client.once("close", () => closeSoon(proxySocket));
  r.handlers.onUpgraded(r.info());
  void proxyRes;
}

function closeSoon(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.end();
  const t = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  t.unref();
  socket.once("close", () => clearTimeout(t));
}

function armConnect(r: Relay): void {
  r.clearTimer();
  r.timer = setTimeout(
    () => attemptFailed(r, new ForwardError("connect_timeout")),
    r.upstream.spec.connectTimeout,
  );
}

function armRead(r: Relay): void {
  if (r.settled) return;
  r.clearTimer();
  r.timer = setTimeout(
    () => attemptFailed(r, new ForwardError("read_timeout")),
    r.upstream.spec.readTimeout,
  );
}

/** http-proxy's ws callback: an upstream error before or after the upgrade. */
function onWsError(err: Error, _req: unknown, socket: unknown): void {
  const r = (socket as Duplex & { [kRelay]?: Relay })[kRelay];
  if (r === undefined) return;
  if (r.upgraded) {
    r.proxySocket?.destroy();
    return; // http-proxy ends the client socket
  }
  keepClientOpen(r.client);
  attemptFailed(r, err);
}

/** Skip the one `socket.end()` http-proxy calls right after its error callback. */
function keepClientOpen(socket: Duplex): void {
  if (Object.prototype.hasOwnProperty.call(socket, "end")) return;
  (socket as Duplex & { end: () => Duplex }).end = function skipOnce(this: Duplex) {
    delete (this as Partial<Duplex>).end;
    return this;
  };
}

function attemptFailed(r: Relay, raw: unknown): void {
  if (r.settled) return;
  const err = classifyError(raw);
  r.clearTimer();
  r.release();
  const proxyReq = r.proxyReq;
  r.proxyReq = undefined;
  if (proxyReq !== undefined) {
    // its later errors are not this relay's (http-proxy would report them and end the client)
    proxyReq.removeAllListeners("error");
    proxyReq.on("error", () => undefined);
    proxyReq.destroy();
  }
  if (r.client.destroyed) {
    r.settled = true;
    r.handlers.onError(new ForwardError("cancelled"));
    return;
  }
  if (r.target !== undefined) r.upstream.passive?.failure(r.target.state, err.kind);
  if (isConnectFailure(err) && r.connectRetries < r.upstream.spec.retries) {
    r.connectRetries++;
    start(r);
    return;
  }
  r.settled = true;
  r.handlers.onError(err);
}

function start(r: Relay): void {
  const upstream = r.upstream;
  let chosen = upstream.pick(r.tried, r.hashKey);
  if (chosen === undefined && r.tried !== undefined && r.tried.size > 0) {
    r.tried.clear();
    chosen = upstream.pick(r.tried, r.hashKey);
  }
  if (chosen === undefined) {
    r.settled = true;
    r.handlers.onError(noPeer(upstream));
    return;
  }
  (r.tried ??= new Set()).add(chosen);
  r.target = chosen;
  chosen.state.active++;
  r.released = false;
  r.attemptStarted = performance.now();
  const options = {
    target: {
      protocol: upstream.spec.protocol === "https" ? "https:" : "http:",
      host: chosen.state.address(chosen.host),
      port: chosen.port,
    },
    agent: chosen.agent,
    headers: r.headers,
    secure: upstream.spec.tlsVerify !== false,
  };
  const req = r.req;
  const savedUrl = req.url;
  const savedHeaders = req.headers;
  // setupOutgoing copies req.url / req.headers synchronously: the final path, and of the client's
  // headers only the one http-proxy's method check reads (the outbound record has it too)
  req.url = r.path;
  req.headers = { upgrade: savedHeaders.upgrade } as IncomingHttpHeaders;
  const head = r.head;
  r.head = EMPTY; // unshifted into the client socket by this call; a retry must not add it again
  starting = r;
  armConnect(r);
  try {
    engine.ws(req, r.client, head, options as unknown as httpProxy.ServerOptions, onWsError);
  } catch (err) {
    attemptFailed(r, err);
  } finally {
    starting = undefined;
    req.url = savedUrl;
    req.headers = savedHeaders;
  }
  const proxyReq = r.proxyReq;
  if (proxyReq === undefined) return;
  for (const listener of proxyReq.listeners("response")) {
    if (listener !== onResponse) proxyReq.removeListener("response", listener as () => void);
  }
}

/**
 * Forward the WebSocket handshake `req` (its client socket and head in `client`) to `upstream`
 * as `out` (GET, no body). Exactly one of onUpgraded / onResponse / onError is called, then
 * onClosed when the client connection is gone.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  client: UpgradeClient,
  upstream: Upstream,
  out: OutboundRequest,
  handlers: UpgradeHandlers,
): void {
  const { headers } = outboundHeaders(req, { ...out, body: undefined });
  headers.push("connection", "Upgrade", "upgrade", String(req.headers.upgrade));
  const r = new Relay(
    req,
    client.socket,
    upstream,
    out.path,
    headerRecord(headers),
    out.hashKey,
    handlers,
    client.head,
  );
  const socket = client.socket as Duplex & { [kRelay]?: Relay };
  socket[kRelay] = r;
  socket.once("close", () => {
    if (!r.settled) attemptFailed(r, new ForwardError("cancelled"));
    handlers.onClosed();
  });
  if (socket.destroyed) {
    process.nextTick(() => attemptFailed(r, new ForwardError("cancelled")));
    return;
  }
  if (upstream.available === 0) {
    r.settled = true;
    process.nextTick(() => handlers.onError(noPeer(upstream)));
    return;
  }
  start(r);
}
