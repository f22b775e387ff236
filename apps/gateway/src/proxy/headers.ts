import { STATUS_CODES } from "node:http";
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import type { Socket } from "node:net";
import type { RealIpSettings, TrustedProxies } from "@gatehouse/config";
import {
  clientAddress,
  compileTrustedProxies,
  NO_TRUSTED_PROXIES,
  REAL_IP_PROXY_PROTOCOL,
  unmapIPv4,
} from "@gatehouse/config";
import { proxyProtocolSource } from "../net/proxy-protocol.js";

// The trusted-proxy rule lives in @gatehouse/config (the admin applies the same one).
export { compileTrustedProxies };
export type { TrustedProxies };

/** Hop-by-hop headers (RFC 9110 7.6.1), never forwarded in either direction. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "http2-settings",
]);

function connectionTokens(value: unknown, into: Set<string>): void {
  if (value === undefined || value === null) return;
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    for (const token of String(v).split(",")) {
      const name = token.trim().toLowerCase();
      if (name) into.add(name);
    }
  }
}

function headerValue(headers: Record<string, unknown>, name: string): unknown {
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) return headers[key];
  }
  return undefined;
}

/**
 * A copy of `headers` without hop-by-hop headers: Connection, Keep-Alive, Proxy-*, TE, Trailer,
 * Transfer-Encoding, Upgrade and every header named in Connection (also those named in
 * `extraConnection`, e.g. the original request's Connection header). Undefined values are dropped.
 */
export function hopByHopStrip<T extends Record<string, unknown>>(
  headers: T,
  extraConnection?: unknown,
): T {
  const named = new Set<string>();
  connectionTokens(headerValue(headers, "connection"), named);
  connectionTokens(extraConnection, named);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (HOP_BY_HOP.has(lower) || lower.startsWith("proxy-") || named.has(lower)) continue;
    out[key] = value;
  }
  return out as T;
}

/** Lower-case header names forward() always sets itself (framing). */
const FRAMING = new Set(["content-length", "transfer-encoding"]);

/** A hop-by-hop (connection-specific) header name, lower case: never forwarded, never sent on h2. */
export function isHopByHop(lower: string): boolean {
  return HOP_BY_HOP.has(lower) || lower.startsWith("proxy-");
}

const PLAIN_CONNECTION = /^\s*(?:keep-alive|close)\s*$/i;

/** Header names listed in Connection values, other than the hop-by-hop ones; undefined when none. */
function connectionNamed(...values: unknown[]): Set<string> | undefined {
  let named: Set<string> | undefined;
  for (const value of values) {
    if (value === undefined || value === null) continue;
    if (typeof value === "string" && PLAIN_CONNECTION.test(value)) continue; // the common case
    const set = new Set<string>();
    connectionTokens(value, set);
    for (const name of set) {
      if (HOP_BY_HOP.has(name) || name === "close") continue;
      (named ??= new Set()).add(name);
    }
  }
  return named;
}

/**
 * Flat `[name, value, name, value, ...]` list of the request headers to forward, from Node's
 * `rawHeaders` (client spelling and order kept, repeated headers stay separate lines): drops
 * hop-by-hop headers, headers named in `connection`, Content-Length / Transfer-Encoding (forward()
 * sets the framing) and every lower-case name in `replaced` (the caller appends its own).
 */
export function forwardableRawHeaders(
  raw: readonly string[],
  connection: unknown,
  replaced: ReadonlySet<string>,
): string[] {
  const named = connection === undefined ? undefined : connectionNamed(connection);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (isHopByHop(lower) || FRAMING.has(lower) || replaced.has(lower)) continue;
    if (named !== undefined && named.has(lower)) continue;
    out.push(name, raw[i + 1] as string);
  }
  return out;
}

/**
 * The same for a header record (plugins' result): flat list without hop-by-hop headers, headers
 * named in its Connection header or in `extraConnection`, and framing headers. Undefined values
 * are dropped, arrays become repeated lines.
 */
export function forwardableHeaders(
  headers: Record<string, unknown>,
  extraConnection?: unknown,
): string[] {
  const named = connectionNamed(headerValue(headers, "connection"), extraConnection);
  const out: string[] = [];
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined || value === null) continue;
    const lower = key.toLowerCase();
    if (isHopByHop(lower) || FRAMING.has(lower)) continue;
    if (named !== undefined && named.has(lower)) continue;
    if (Array.isArray(value)) for (const v of value) out.push(key, String(v));
    else out.push(key, String(value));
  }
  return out;
}

const compiledCache = new WeakMap<readonly string[], TrustedProxies>();

function trustedOf(trusted: readonly string[] | TrustedProxies): TrustedProxies {
  if (!Array.isArray(trusted)) return trusted as TrustedProxies;
  const list = trusted as readonly string[];
  let compiled = compiledCache.get(list);
  if (!compiled) {
    compiled = compileTrustedProxies(list);
    compiledCache.set(list, compiled);
  }
  return compiled;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value.join(", ") : value;
  const trimmed = v?.trim();
  return trimmed ? trimmed : undefined;
}

function hostWithoutPort(host: string): string {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

export interface ForwardedHeaders {
  "x-forwarded-for": string;
  "x-forwarded-proto": string;
  "x-forwarded-host": string;
  "x-forwarded-port": string;
  "x-real-ip": string;
}

/**
 * X-Forwarded-* and X-Real-IP for the outbound request. Client-sent values are kept (and
 * X-Forwarded-For appended to) only when the direct peer is a trusted proxy; otherwise they
 * are replaced. X-Real-IP is the peer, or, behind trusted proxies, the address the real-IP header
 * gives (Kong's real_ip_header, X-Forwarded-For by default; real_ip_recursive: the right-most address
 * that is not itself a trusted proxy, else the last one), or with `proxy_protocol` the source address
 * of the connection's PROXY header (net/proxy-protocol.ts), which is then also the hop appended.
 */
export function forwardedHeaders(
  req: IncomingMessage,
  opts: {
    trustedProxies: readonly string[] | TrustedProxies;
    /** Kong's real_ip_header / real_ip_recursive (default: X-Forwarded-For, recursive) */
    realIp?: RealIpSettings;
    scheme: "http" | "https";
    port: number;
  },
): ForwardedHeaders {
  const peer = unmapIPv4(req.socket.remoteAddress ?? "");
  const trusted = trustedOf(opts.trustedProxies);
  const peerTrusted = peer !== "" && trusted !== NO_TRUSTED_PROXIES && trusted.contains(peer);
  const headers = req.headers;
  const host = hostWithoutPort(firstValue(headers.host) ?? "");

  if (!peerTrusted) {
    return {
      "x-forwarded-for": peer,
      "x-forwarded-proto": opts.scheme,
      "x-forwarded-host": host,
      "x-forwarded-port": String(opts.port),
      "x-real-ip": peer,
    };
  }
  const priorFor = firstValue(headers["x-forwarded-for"]);
  const realIpHeader = opts.realIp?.header ?? "x-forwarded-for";
  const viaProxyProtocol = realIpHeader === REAL_IP_PROXY_PROTOCOL;
  const realIp = clientAddress(
    peer,
    viaProxyProtocol
      ? proxyProtocolSource(req)
      : realIpHeader === "x-forwarded-for"
        ? priorFor
        : firstValue(headers[realIpHeader]),
    trusted,
    opts.realIp?.recursive ?? true,
  );
  // behind a PROXY protocol balancer (L4: it adds no hop of its own) the hop is the client it names
  const hop = viaProxyProtocol ? realIp : peer;
  return {
    "x-forwarded-for": priorFor ? `${priorFor}, ${hop}` : hop,
    "x-forwarded-proto": firstValue(headers["x-forwarded-proto"]) ?? opts.scheme,
    "x-forwarded-host": firstValue(headers["x-forwarded-host"]) ?? host,
    "x-forwarded-port": firstValue(headers["x-forwarded-port"]) ?? String(opts.port),
    "x-real-ip": realIp,
  };
}

export interface FramingError {
  /** 400, or 505 for a request line that is not HTTP/1.x */
  status: 400 | 505;
  reason: string;
  close: true;
}

/** True when the request has more than one Host line (Node keeps only the first in `headers`). */
function repeatedHost(raw: string[]): boolean {
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && (name === "Host" || name.toLowerCase() === "host")) {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}

/**
 * Request-smuggling guard, run before anything reads the body: refuses a request line that is
 * not HTTP/1.x (505: `HTTP/2.0` or `HTTP/0.9` spelled out on the HTTP/1 listener), more than one
 * Host header (RFC 9112 3.2: 400), both Content-Length and Transfer-Encoding, an invalid or
 * repeated-and-different Content-Length, and any Transfer-Encoding other than a single `chunked`.
 */
export function checkRequestFraming(req: IncomingMessage): FramingError | undefined {
  if (req.httpVersionMajor !== 1) {
    return {
      status: 505,
      reason: `HTTP/${req.httpVersion} is not supported on this listener (HTTP/1.0 and HTTP/1.1 only)`,
      close: true,
    };
  }
  const raw = req.rawHeaders;
  if (repeatedHost(raw)) {
    return { status: 400, reason: "more than one Host header", close: true };
  }
  // every raw Content-Length / Transfer-Encoding line shows up under these keys
  const h = req.headers;
  if (h["content-length"] === undefined && h["transfer-encoding"] === undefined) return undefined;
  const lengths: string[] = [];
  const encodings: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] ?? "").toLowerCase();
    if (name === "content-length") lengths.push((raw[i + 1] ?? "").trim());
    else if (name === "transfer-encoding") encodings.push((raw[i + 1] ?? "").trim());
  }
  const fail = (reason: string): FramingError => ({ status: 400, reason, close: true });
  if (lengths.length > 0 && encodings.length > 0) {
    return fail("Content-Length and Transfer-Encoding must not both be present");
  }
  if (encodings.length > 0 && (encodings.length > 1 || encodings[0]?.toLowerCase() !== "chunked")) {
    return fail("Transfer-Encoding: only a single 'chunked' is supported");
  }
  if (lengths.length > 0) {
    const first = lengths[0] ?? "";
    if (!/^\d{1,15}$/.test(first)) return fail("Content-Length must be a non-negative integer");
    if (lengths.some((l) => l !== first))
      return fail("Content-Length is repeated with different values");
  }
  return undefined;
}

const refusedConnections = new WeakSet<Socket>();

/**
 * The framing guard as a whole: answers 400 with `Connection: close` when `checkRequestFraming`
 * refuses the request, closes the connection once the answer is flushed, and drops any request
 * pipelined behind it on the same connection (its bytes are exactly what a smuggling attempt
 * would inject). Returns true when the request was answered or dropped: the caller stops.
 * `write` lets the caller format the 400 itself (it must end the response).
 */
export function refuseBadFraming(
  req: IncomingMessage,
  res: ServerResponse,
  write?: (res: ServerResponse, framing: FramingError) => void,
): boolean {
  const socket = req.socket;
  if (refusedConnections.has(socket)) {
    socket.destroy();
    return true;
  }
  const framing = checkRequestFraming(req);
  if (!framing) return false;
  refusedConnections.add(socket);
  res.shouldKeepAlive = false;
  res.once("finish", () => socket.destroySoon());
  res.once("close", () => socket.destroy());
  if (write) write(res, framing);
  else {
    const body = `${STATUS_CODES[framing.status] ?? "Bad Request"}: ${framing.reason}\n`;
    res.writeHead(framing.status, {
      connection: "close",
      "content-type": "text/plain; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  }
  return true;
}

/**
 * Write the response head: hop-by-hop headers (Transfer-Encoding included, whoever set it) are
 * stripped, Node chooses the framing itself (Content-Length when given, else chunked/close).
 */
export function writeResponseHead(
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders | IncomingHttpHeaders,
): void {
  const clean = hopByHopStrip(headers as Record<string, unknown>) as OutgoingHttpHeaders;
  res.writeHead(status, clean);
}

/**
 * writeResponseHead for an upstream response as received: its `rawHeaders` (spelling, order and
 * repeated lines kept) without hop-by-hop headers and those named in its Connection header.
 */
export function writeRawResponseHead(res: ServerResponse, status: number, raw: string[]): void {
  let connection: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 10 && name.toLowerCase() === "connection") {
      const v = raw[i + 1] as string;
      connection = connection === undefined ? v : `${connection}, ${v}`;
    }
  }
  const named = connection === undefined ? undefined : connectionNamed(connection);
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    const lower = name.toLowerCase();
    if (isHopByHop(lower) || (named !== undefined && named.has(lower))) continue;
    out.push(name, raw[i + 1] as string);
  }
  res.writeHead(status, out);
}
