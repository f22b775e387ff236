// Request setup: what is sent upstream (path check, header list and framing, body mode), prepared
// once per forward() call and reused by every attempt.
import type { IncomingMessage } from "node:http";
import { ERROR_CODES, GatewayError } from "../errors.js";
import { forwardableHeaders } from "./headers.js";

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
  /** the request's consistent-hashing input (balancer/hash-key.ts); none = round-robin */
  hashKey?: string;
}

export type BodyMode = "none" | "buffer" | "stream";
export type OutgoingHeaderRecord = Record<string, string | string[]>;
/**
 * What an attempt hands http-proxy: the flat list itself (Node renders it as is), or, where the list
 * cannot go as is (see wireHeaders), the record.
 */
export type WireHeaders = string[] | OutgoingHeaderRecord;

const INVALID_PATH = /[^\u0021-\u00ff]/;
/** what setupOutgoing's urlJoin would change in the path part: "//" and "http(s):/" */
const JOIN_MANGLES = /\/\/|:\//;

/** forward() was given a path it cannot send verbatim (a caller's bug: paths are normalized first). */
export class OutboundPathError extends GatewayError {
  readonly code = ERROR_CODES.proxyInvalidPath;
  constructor() {
    super(`forward: out.path must start with "/" and contain no spaces or control characters`);
    this.name = "OutboundPathError";
  }
}

/** The path is sent verbatim: it must be origin-form without spaces or control characters. */
export function assertOutboundPath(path: string): void {
  if (INVALID_PATH.test(path) || path.charCodeAt(0) !== 47 /* "/" */) {
    throw new OutboundPathError();
  }
}

/**
 * The flat header list as the record http-proxy takes (`options.headers`). Repeated names
 * (any spelling) become one array in order, so Node still sends one line per value; the
 * first spelling is kept. setupOutgoing copies the record with util._extend, which walks keys
 * last to first: the record is built last to first too, so the wire keeps the client's order
 * (a repeated name sits where its last line was).
 */
export function headerRecord(list: string[]): OutgoingHeaderRecord {
  const out: OutgoingHeaderRecord = {};
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

export function outboundHeaders(
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

/** setupOutgoing's urlJoin would change this path (its part before "?"). */
function pathMangled(path: string): boolean {
  const q = path.indexOf("?");
  return JOIN_MANGLES.test(q === -1 ? path : path.slice(0, q));
}

function hasHost(list: readonly string[]): boolean {
  for (let i = 0; i < list.length; i += 2) {
    const name = list[i] as string;
    if (name.length === 4 && name.toLowerCase() === "host") return true;
  }
  return false;
}

/**
 * The headers in the form the attempts hand to http.request. A flat list goes as is: Node validates
 * and renders it in the ClientRequest constructor, without a record, a copy of it in setupOutgoing
 * and one setHeader per name (the per-request cost of the record form). The list needs a plain
 * HTTP upstream (Node derives a TLS servername from a Host header it stored, not from a list), a
 * Host line (Node adds none to a list), and a path urlJoin leaves alone (the head is rendered
 * before the body hook could put the verbatim path back); otherwise the record (headerRecord).
 */
export function wireHeaders(list: string[], path: string, https: boolean): WireHeaders {
  if (https || pathMangled(path) || !hasHost(list)) return headerRecord(list);
  return list;
}

/**
 * Node renders the head of a request with an Expect header inside http.request, i.e. with the
 * path urlJoin produced, before the body hook can put the verbatim path back. When urlJoin
 * would change this path, Expect is not forwarded (the client already got its 100 Continue
 * from our server; the upstream receives the body right away either way).
 */
export function dropExpectIfPathMangled(headers: string[], path: string): void {
  if (!pathMangled(path)) return;
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    const name = headers[i] as string;
    if (name.length === 6 && name.toLowerCase() === "expect") headers.splice(i, 2);
  }
}
