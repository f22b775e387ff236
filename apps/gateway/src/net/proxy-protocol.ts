/**
 * PROXY protocol (HAProxy's spec, versions 1 and 2) on a proxy listener, as nginx's
 * `listen ... proxy_protocol` (Kong's `proxy_listen ... proxy_protocol`): every connection must
 * start with a PROXY header, read on the raw TCP socket before the HTTP or TLS server sees a byte
 * (for TLS the header comes before the ClientHello). A connection that does not send a valid one
 * within the time and size bounds is closed without an answer: no request is served. The header
 * is taken off the stream; what follows it goes to the server unchanged. The source address it
 * carries is kept per connection (`proxyProtocolSource`): with `real_ip_header = proxy_protocol`
 * it is the client's address when the connecting peer is trusted (proxy/headers.ts), as nginx's
 * realip module does with `set_real_ip_from`.
 *
 * v1: `PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n` or `PROXY UNKNOWN ...\r\n`, at most 107
 * bytes. v2: the 12-byte signature, version 2, command LOCAL (the real connection's addresses
 * apply) or PROXY, family UNSPEC / INET / INET6 (UNIX: no address), TLVs skipped; at most
 * `MAX_V2_HEADER` bytes in all. Everything runs once per connection, never per request.
 *
 * proxy-protocol-js (the npm parser) is not used: it parses a buffer already cut to the header
 * (no framing of a stream), returns v2's TLVs and the payload after them as one `data`, and its v1
 * needs addresses after UNKNOWN and does not check them.
 */
import { isIPv4, isIPv6 } from "node:net";
import { REAL_IP_PROXY_PROTOCOL } from "@gatehouse/config";
import type { Server } from "node:net";
import type { Socket } from "node:net";

/** What a PROXY header said: the client's address, or none (LOCAL, UNKNOWN, UNSPEC, UNIX). */
export interface ProxyHeader {
  version: 1 | 2;
  /** the original client's address and port; undefined: use the connection's own */
  source?: { address: string; port: number };
}

export type ParseResult =
  | { kind: "incomplete" }
  | { kind: "invalid"; reason: string }
  | { kind: "ok"; header: ProxyHeader; length: number };

const V1_PREFIX = Buffer.from("PROXY ", "latin1");
/** v1's longest line, CRLF included (the spec's 107) */
export const MAX_V1_HEADER = 107;
const V2_SIGNATURE = Buffer.from([
  0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
]);
/** v2: 16 bytes of header + addresses + TLVs; longer is refused (nginx reads it into 1 KiB by default) */
export const MAX_V2_HEADER = 4096;

const INCOMPLETE: ParseResult = { kind: "incomplete" };
const invalid = (reason: string): ParseResult => ({ kind: "invalid", reason });

/** `prefix` and the start of `buf` agree on their common length. */
function startsLike(buf: Buffer, prefix: Buffer): boolean {
  const n = Math.min(buf.length, prefix.length);
  return buf.subarray(0, n).equals(prefix.subarray(0, n));
}

const PORT = /^(?:0|[1-9]\d{0,4})$/;

function parseV1(buf: Buffer): ParseResult {
  const end = buf.indexOf("\r\n", 0, "latin1");
  if (end === -1 || end + 2 > MAX_V1_HEADER) {
    return buf.length >= MAX_V1_HEADER ? invalid("v1 line longer than 107 bytes") : INCOMPLETE;
  }
  const length = end + 2;
  const parts = buf.toString("latin1", 0, end).split(" ");
  const family = parts[1];
  if (family === "UNKNOWN") return { kind: "ok", header: { version: 1 }, length };
  if (family !== "TCP4" && family !== "TCP6") return invalid(`v1 protocol ${family ?? ""}`);
  if (parts.length !== 6) return invalid("v1 line needs 6 fields");
  const [, , src = "", dst = "", sport = "", dport = ""] = parts;
  const isAddress = family === "TCP4" ? isIPv4 : isIPv6;
  if (!isAddress(src) || !isAddress(dst)) return invalid(`v1 address not ${family}`);
  if (!PORT.test(sport) || !PORT.test(dport) || Number(sport) > 65535 || Number(dport) > 65535)
    return invalid("v1 port");
  return {
    kind: "ok",
    header: { version: 1, source: { address: src, port: Number(sport) } },
    length,
  };
}

function ipv6(bytes: Buffer): string {
  // IPv4-mapped (::ffff:a.b.c.d): the IPv4 address, as the rest of the gateway writes it
  if (
    bytes.readUInt32BE(0) === 0 &&
    bytes.readUInt32BE(4) === 0 &&
    bytes.readUInt32BE(8) === 0xffff
  )
    return [...bytes.subarray(12, 16)].join(".");
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // the canonical text (zeros compressed) through the URL parser's IPv6 serializer
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}

function parseV2(buf: Buffer): ParseResult {
  if (buf.length < 16) return INCOMPLETE;
  const verCmd = buf[12] as number;
  if (verCmd >> 4 !== 2) return invalid(`v2 version ${verCmd >> 4}`);
  const command = verCmd & 0x0f;
  if (command > 1) return invalid(`v2 command ${command}`);
  const length = 16 + buf.readUInt16BE(14);
  if (length > MAX_V2_HEADER) return invalid(`v2 header of ${length} bytes (max ${MAX_V2_HEADER})`);
  if (buf.length < length) return INCOMPLETE;
  const family = (buf[13] as number) >> 4;
  if (family > 3) return invalid(`v2 address family ${family}`);
  const addressBytes = family === 1 ? 12 : family === 2 ? 36 : family === 3 ? 216 : 0;
  if (length - 16 < addressBytes) return invalid("v2 length shorter than its addresses");
  // LOCAL (health checks of the proxy itself): the connection's own addresses apply
  if (command === 0 || family === 0 || family === 3)
    return { kind: "ok", header: { version: 2 }, length };
  const source =
    family === 1
      ? { address: [...buf.subarray(16, 20)].join("."), port: buf.readUInt16BE(24) }
      : { address: ipv6(buf.subarray(16, 32)), port: buf.readUInt16BE(48) };
  return { kind: "ok", header: { version: 2, source }, length };
}

/** Parses the PROXY header at the start of `buf` (the bytes received so far). */
export function parseProxyHeader(buf: Buffer): ParseResult {
  if (buf.length === 0) return INCOMPLETE;
  if (buf[0] === V1_PREFIX[0]) {
    if (!startsLike(buf, V1_PREFIX)) return invalid("not a PROXY header");
    return buf.length < V1_PREFIX.length ? INCOMPLETE : parseV1(buf);
  }
  if (!startsLike(buf, V2_SIGNATURE)) return invalid("not a PROXY header");
  return parseV2(buf);
}

const headers = new WeakMap<Socket, ProxyHeader>();
/** PROXY headers still awaited, per server (shutdown destroys them: no request came in on them) */
const pending = new WeakMap<Server, Set<Socket>>();

/**
 * The source address the connection's PROXY header carried, for a request of any listener
 * (HTTP/1.1: its socket; TLS: the raw socket under the TLSSocket; h2: the session's socket).
 * Undefined when the listener reads no PROXY header or the header carried no address.
 */
export function proxyProtocolSource(req: {
  socket: Socket;
  stream?: { session?: { socket?: Socket } };
}): string | undefined {
  const socket = req.stream?.session?.socket ?? req.socket;
  const header =
    headers.get(socket) ?? headers.get((socket as Socket & { _parent?: Socket })._parent as Socket);
  return header?.source?.address;
}

export interface ProxyProtocolOptions {
  /** ms the whole header may take to arrive (the listener's headers timeout) */
  timeoutMs: number;
  /** a connection closed for a broken header, or (`late`) none in time */
  onRefused: (peer: string | undefined, reason: string, late: boolean) => void;
}

/**
 * Makes `server` read a PROXY header on each connection before its own connection handling
 * (node:http's parser, or the TLS handshake) starts: the listeners it has now run once the header
 * is read, on the socket with the bytes after the header put back in front. Listeners added later
 * (connection caps) still run at accept.
 */
export function requireProxyProtocol(server: Server, opts: ProxyProtocolOptions): void {
  const own = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  const waiting = new Set<Socket>();
  pending.set(server, waiting);
  server.on("connection", (socket: Socket) => {
    let received: Buffer = Buffer.alloc(0);
    waiting.add(socket);
    const done = () => {
      clearTimeout(timer);
      waiting.delete(socket);
      socket.removeListener("data", onData);
      socket.removeListener("close", onClose);
      socket.removeListener("error", onClose);
    };
    const refuse = (reason: string, late = false) => {
      done();
      opts.onRefused(socket.remoteAddress, reason, late);
      socket.destroy();
    };
    const timer = setTimeout(
      () => refuse(`no PROXY header within ${opts.timeoutMs} ms`, true),
      opts.timeoutMs,
    );
    const onClose = () => done();
    const onData = (chunk: Buffer) => {
      received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
      const r = parseProxyHeader(received);
      if (r.kind === "incomplete") return;
      if (r.kind === "invalid") {
        refuse(r.reason);
        return;
      }
      done();
      socket.pause();
      headers.set(socket, r.header);
      if (received.length > r.length) socket.unshift(received.subarray(r.length));
      for (const listener of own) listener.call(server, socket);
      // node:http reads through its 'data' listener (a paused socket stays paused); TLS has
      // taken the handle over and read what was put back
      if (!socket.destroyed && socket.listenerCount("data") > 0) socket.resume();
    };
    socket.on("data", onData);
    socket.on("close", onClose);
    socket.on("error", onClose);
  });
}

/** Destroy the connections of `server` still waiting for their PROXY header (shutdown). */
export function destroyPendingProxyHeaders(server: Server): void {
  for (const socket of pending.get(server) ?? []) socket.destroy();
}

/** Which proxy listeners read PROXY headers (--proxy-protocol / GATEHOUSE_PROXY_PROTOCOL). */
export interface ProxyProtocolListeners {
  listen?: boolean;
  listenTls?: boolean;
}

/**
 * `real_ip_header = proxy_protocol` with no listener reading PROXY headers: the start error (the
 * client address would silently be the peer's), else undefined.
 */
export function realIpProxyProtocolProblem(
  realIpHeader: string,
  on: ProxyProtocolListeners,
): string | undefined {
  if (realIpHeader !== REAL_IP_PROXY_PROTOCOL || on.listen === true || on.listenTls === true)
    return undefined;
  return "GATEHOUSE_REAL_IP_HEADER=proxy_protocol: no proxy listener reads PROXY protocol headers; turn them on with --proxy-protocol (or GATEHOUSE_PROXY_PROTOCOL)";
}
