/**
 * Connection-level protection of the proxy listener: a global cap, a per-client-address cap, and
 * "answer, then close for sure" for connections the gateway gives up on. All of it runs per
 * connection (accept / close), never per request.
 */
import { readFileSync } from "node:fs";
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

export type RefusalReason = "max_connections" | "max_connections_per_ip";

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

export interface ConnectionLimits {
  /** connections open at once on the listener; above, new ones are closed at accept */
  maxConnections: number;
  /** connections open at once from one client address; 0 = no per-address cap */
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
    const ip = socket.remoteAddress;
    if (ip === undefined || limits.exempt(ip)) return;
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
