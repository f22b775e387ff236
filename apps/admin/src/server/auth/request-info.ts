import "server-only";

/**
 * The client address as reported by the nearest proxy (X-Forwarded-For's first entry, else
 * X-Real-IP). Next.js route handlers do not see the socket address, so this is only as trustworthy
 * as the proxy in front of the admin; the login rate limit also counts per username for that reason.
 */
export function clientIp(req: Request): string {
  const forwarded = req.headers.get("x-forwarded-for");
  const first = forwarded?.split(",")[0]?.trim();
  if (first) return first.slice(0, 64);
  const real = req.headers.get("x-real-ip")?.trim();
  return real ? real.slice(0, 64) : "unknown";
}

/** True when the request reached us over https (directly or per X-Forwarded-Proto). */
export function isHttps(req: Request): boolean {
  const proto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (proto) return proto === "https";
  return new URL(req.url).protocol === "https:";
}

/** The origin the browser used to reach us (from Host, which the browser sets). */
export function ownOrigin(req: Request): string {
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
