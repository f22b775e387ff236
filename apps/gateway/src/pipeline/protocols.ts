/**
 * Route `protocols` (Kong's `http`, `https`): a request on a protocol its route does not take.
 * Plain HTTP to an https-only route gets the route's `https_redirect_status_code`: Kong's 426
 * (with `Upgrade`), or 301/302/307/308 to the same URL on https (the TLS listener's port unless
 * 443). HTTPS to an http-only route matches nothing (404), as Kong's router.
 */
import type { OutgoingHttpHeaders } from "node:http";
import type { NormalizedRoute } from "@gatehouse/config";

export const HTTPS_REQUIRED_MESSAGE = "Please use HTTPS protocol";

export interface ProtocolRefusal {
  status: number;
  message: string;
  headers: OutgoingHttpHeaders;
}

/** `host` without its port (an IPv6 literal keeps its brackets). */
function hostname(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.indexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

/** null when the route takes the request's protocol, else the answer. */
export function protocolRefusal(
  route: NormalizedRoute,
  scheme: "http" | "https",
  request: { host: string; url: string },
  tlsPort: number,
): ProtocolRefusal | null {
  if (route.protocols.includes(scheme)) return null;
  if (scheme === "https") return { status: 404, message: "", headers: {} };
  const code = route.httpsRedirectStatusCode;
  if (code === 426) {
    return {
      status: 426,
      message: HTTPS_REQUIRED_MESSAGE,
      headers: { connection: "Upgrade", upgrade: "TLS/1.2, HTTP/1.1" },
    };
  }
  const port = tlsPort === 443 || tlsPort === 0 ? "" : `:${tlsPort}`;
  return {
    status: code,
    message: HTTPS_REQUIRED_MESSAGE,
    headers: { location: `https://${hostname(request.host)}${port}${request.url}` },
  };
}
