import "server-only";
import type { AsyncLocalStorage } from "node:async_hooks";
import { clientAddress } from "@gatehouse/config";
import { env } from "@/env";

/** Set by server.mjs: the TCP peer address of the request being handled. */
const SOCKET_ADDRESS = Symbol.for("gatehouse.admin.socketAddress");

/** The TCP peer of the current request, or undefined when the admin runs without server.mjs. */
export function socketAddress(): string | undefined {
  const storage = (globalThis as { [SOCKET_ADDRESS]?: AsyncLocalStorage<string> })[SOCKET_ADDRESS];
  return storage?.getStore() || undefined;
}

/**
 * The client's address, for the sign-in throttle, sessions and the audit log: the TCP peer,
 * or, when the peer is one of GATEHOUSE_ADMIN_TRUSTED_PROXIES, the right-most X-Forwarded-For
 * entry that is not a trusted proxy. A client-sent X-Forwarded-For is never believed otherwise.
 * "unknown" when the admin was started without server.mjs (e.g. `next dev`): Next's route
 * handlers do not see the socket.
 */
export function clientIp(req: Request): string {
  const peer = socketAddress();
  if (peer === undefined) return "unknown";
  const forwarded = req.headers.get("x-forwarded-for") ?? undefined;
  return clientAddress(peer, forwarded, env().GATEHOUSE_ADMIN_TRUSTED_PROXIES).slice(0, 64);
}

/** True when the request reached us over https (directly or per X-Forwarded-Proto). */
export function isHttps(req: Pick<Request, "headers" | "url">): boolean {
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (proto) return proto === "https";
  return new URL(req.url).protocol === "https:";
}

/** The origin the browser used to reach us (from Host, which the browser sets). */
export function ownOrigin(req: Pick<Request, "headers" | "url">): string {
  const host =
    req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? new URL(req.url).host;
  return `${isHttps(req) ? "https" : "http"}://${host}`;
}

/**
 * CSRF defence for cookie-authenticated writes: the browser must say the request comes from our
 * own origin (Origin header), or at least from the same site (Sec-Fetch-Site) when it sends no Origin.
 */
export function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get("origin");
  if (origin !== null) return origin === ownOrigin(req);
  return req.headers.get("sec-fetch-site") === "same-origin";
}
