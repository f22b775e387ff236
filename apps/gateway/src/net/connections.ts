/**
 * Connection-level protection of the proxy listener: a global cap, a per-client-address cap, and
 * "answer, then close for sure" for connections the gateway gives up on. All of it runs per
 * connection (accept / close), never per request.
 */
import { readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/** ms a peer gets to read an error answer and close before the gateway destroys the socket */
export const DEFAULT_CLOSE_GRACE_MS = 2_000;
/** connections one client address may hold at once by default (at most a quarter of the global cap) */
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 256;

/** Default --max-connections-per-ip: 256, or a quarter of `maxConnections` when that is lower (≥ 1). */
export function defaultMaxConnectionsPerIp(maxConnections: number): number {
  return Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS_PER_IP, Math.floor(maxConnections / 4)));
}
const MAX_CONNECTIONS_CEILING = 10_000;

export type RefusalReason = "max_connections" | "max_connections_per_ip" | "proxy_protocol";

/**
 * Default --max-connections: half the soft open-files limit (the other half is for upstream
 * sockets, the cache and logs), at most 10,000; 10,000 where the limit cannot be read.
 */
export function defaultMaxConnections(limitsFile = "/proc/self/limits"): number {
  let nofile = Infinity;
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync(limitsFile, "utf8"));
    if (m) nofile = Number(m[1]);
  } catch {
    // not Linux: no cheap way to read RLIMIT_NOFILE
  }
  return Math.max(1, Math.min(MAX_CONNECTIONS_CEILING, Math.floor(nofile / 2)));
}

/**
 * End `socket` with `answer`, and destroy it if the peer has not closed within `graceMs`: a
 * client that never reads or never closes its side must not keep the descriptor (the proxy
 * listener is half-open: `end()` alone only closes our side).
 */
export function endThenDestroy(
  socket: Duplex,
  answer: string,
  graceMs: number,
  onForced?: () => void,
): void {
  socket.end(answer);
  if (socket.destroyed) return;
  const timer = setTimeout(() => {
    if (socket.destroyed) return;
    onForced?.();
    socket.destroy();
  }, graceMs);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
}

/**
 * The key a client address is counted under: an IPv4 address as is (IPv4-mapped IPv6 unwrapped),
 * an IPv6 address by its /64 prefix (one host, or one attacker, usually owns a whole /64).
 */
export function addressKey(address: string): string {
  if (!address.includes(":")) return address;
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && lower.includes(".")) return lower.slice(7);
  if (!isIPv6(lower)) return lower;
  const zone = lower.indexOf("%");
  const bare = zone === -1 ? lower : lower.slice(0, zone);
  const gap = bare.indexOf("::");
  let groups: string[];
  if (gap === -1) groups = bare.split(":");
  else {
    const head = bare.slice(0, gap) === "" ? [] : bare.slice(0, gap).split(":");
    const tail = bare.slice(gap + 2) === "" ? [] : bare.slice(gap + 2).split(":");
    // an embedded IPv4 tail (::a.b.c.d forms) takes two groups
    const tailGroups = tail.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
    groups = [...head, ...Array<string>(8 - head.length - tailGroups).fill("0"), ...tail];
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

export interface ConnectionLimits {
  /** connections open at once on the listener; above, new ones are closed at accept */
  maxConnections: number;
  /** connections open at once from one client address (IPv6: one /64); 0 = no per-address cap */
  maxConnectionsPerIp: number;
  /** addresses the per-address cap does not apply to (trusted proxies / load balancers) */
  exempt: (address: string) => boolean;
  onRefused: (reason: RefusalReason) => void;
}

/**
 * Apply the caps to `server`. Refused connections are closed at once without an answer (nothing
 * is read from them, no descriptor is kept), as Node does for `maxConnections`.
 */
export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.on("drop", () => limits.onRefused("max_connections"));
  const cap = limits.maxConnectionsPerIp;
  if (cap <= 0) return;
  const perAddress = new Map<string, number>();
  server.on("connection", (socket: Socket) => {
    const address = socket.remoteAddress;
    if (address === undefined || limits.exempt(address)) return;
    const ip = addressKey(address);
    const n = perAddress.get(ip) ?? 0;
    if (n >= cap) {
      limits.onRefused("max_connections_per_ip");
      socket.destroy();
      return;
    }
    perAddress.set(ip, n + 1);
    socket.once("close", () => {
      const left = (perAddress.get(ip) ?? 1) - 1;
      if (left <= 0) perAddress.delete(ip);
      else perAddress.set(ip, left);
    });
  });
}
