// PROXY protocol headers as load balancers send them (HAProxy's spec), built byte by byte here,
// and raw connections that start with one.
import { connect } from "node:net";
import type { Socket } from "node:net";
import { isIPv4 } from "node:net";

export const V2_SIGNATURE = Buffer.from("0d0a0d0a000d0a515549540a", "hex");

/** `PROXY TCP4|TCP6 src dst sport dport\r\n` */
export function v1(src: string, dst = "127.0.0.1", sport = 40000, dport = 8000): Buffer {
  const family = isIPv4(src) ? "TCP4" : "TCP6";
  return Buffer.from(`PROXY ${family} ${src} ${dst} ${sport} ${dport}\r\n`, "latin1");
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail = ""] = address.split("::");
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const h = groups(head);
  const t = groups(tail);
  const all = address.includes("::")
    ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t]
    : h;
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/**
 * A v2 header: command PROXY (or LOCAL), TCP over IPv4 / IPv6 (or UNSPEC when `src` is undefined),
 * then `tlvs` (type, value) after the addresses.
 */
export function v2(
  src: string | undefined,
  opts: { local?: boolean; sport?: number; tlvs?: [number, Buffer][] } = {},
): Buffer {
  let family = 0x00;
  let addresses = Buffer.alloc(0);
  const ports = Buffer.alloc(4);
  ports.writeUInt16BE(opts.sport ?? 40000, 0);
  ports.writeUInt16BE(8000, 2);
  if (src !== undefined && isIPv4(src)) {
    family = 0x11;
    const a = Buffer.from(src.split(".").map(Number));
    addresses = Buffer.concat([a, Buffer.from([127, 0, 0, 1]), ports]);
  } else if (src !== undefined) {
    family = 0x21;
    addresses = Buffer.concat([ipv6Bytes(src), ipv6Bytes("::1"), ports]);
  }
  const tlvs = (opts.tlvs ?? []).map(([type, value]) => {
    const head = Buffer.alloc(3);
    head.writeUInt8(type, 0);
    head.writeUInt16BE(value.length, 1);
    return Buffer.concat([head, value]);
  });
  const body = Buffer.concat([addresses, ...tlvs]);
  const head = Buffer.alloc(4);
  head.writeUInt8(opts.local ? 0x20 : 0x21, 0);
  head.writeUInt8(family, 1);
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, head, body]);
}

/** A TCP connection to `port` on loopback, once connected. */
export function rawConnect(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.setNoDelay(true);
    s.once("error", reject);
  });
}

/**
 * Writes `parts` one by one, each its own TCP segment (no delay, a pause between them); stops once
 * the server has closed the connection (what a test of a refused header then reads: nothing).
 */
export async function writeSegments(socket: Socket, parts: Buffer[]): Promise<void> {
  for (const [i, part] of parts.entries()) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 30));
    if (socket.destroyed || !socket.writable) return;
    const written = await new Promise<boolean>((resolve) =>
      socket.write(part, (err) => resolve(err == null)),
    );
    if (!written) return;
  }
}

/** Everything the server sends until it closes the connection. */
export function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let out = "";
    socket.on("data", (c: Buffer) => (out += c.toString("latin1")));
    socket.once("close", () => resolve(out));
    socket.once("error", () => undefined);
  });
}

/** One HTTP/1.1 request (Connection: close) on a fresh connection that starts with `header`. */
export async function requestWithHeader(
  port: number,
  header: Buffer | Buffer[],
  request = "GET /api/x HTTP/1.1\r\nHost: pp.test\r\nConnection: close\r\n\r\n",
): Promise<string> {
  const socket = await rawConnect(port);
  const done = readAll(socket);
  await writeSegments(socket, [
    ...(Array.isArray(header) ? header : [header]),
    Buffer.from(request),
  ]);
  return done;
}

/** The JSON body of an HTTP/1.1 answer read whole. */
export function bodyOf(
  answer: string,
): { headers: Record<string, string> } & Record<string, unknown> {
  return JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)) as {
    headers: Record<string, string>;
  };
}
