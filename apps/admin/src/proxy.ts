import { NextResponse } from "next/server";
import type { NextRequest } from "next/server";

/**
 * The admin's Content-Security-Policy. Scripts: only those carrying this response's nonce (Next
 * puts it on its own scripts when it finds it in the request's CSP header; the layout gives it
 * to Mantine's color-scheme script) and what they load ('strict-dynamic'). Styles: Mantine sets
 * inline `style` attributes and <style> tags, so inline styles are allowed (a nonce would not
 * cover attributes). Nothing may frame the admin (clickjacking).
 */
export function contentSecurityPolicy(nonce: string): string {
  const dev = process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : "";
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * Security headers on every response, pages, API and static files alike. `no-referrer` is not
 * used: browsers then send `Origin: null` on same-origin POSTs, which the CSRF check refuses.
 */
export const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "strict-origin-when-cross-origin",
  "x-frame-options": "DENY",
} as const;

/**
 * A request whose path is not valid percent-encoding (`/api/v1/tokens/%C0%AE`, `/services/%ZZ`)
 * is answered 400 here: Next.js would fail decoding the route parameters and answer a bare text
 * 500. Authorization is checked in each handler, not here.
 */
function malformedPath(request: NextRequest): NextResponse | undefined {
  const path = request.nextUrl.pathname;
  if (!path.includes("%")) return undefined;
  try {
    decodeURIComponent(path);
    return undefined;
  } catch {
    const message = "the path is not valid percent-encoding (UTF-8)";
    return NextResponse.json(
      {
        code: "bad_request",
        message,
        errors: [{ path: "", message: "malformed percent-encoding" }],
      },
      { status: 400, headers: { "cache-control": "no-store" } },
    );
  }
}

export function proxy(request: NextRequest): NextResponse {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const policy = contentSecurityPolicy(nonce);
  let response = malformedPath(request);
  if (!response) {
    // Next reads the nonce from the request's CSP header; x-nonce is for our layout.
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", policy);
    headers.set("x-nonce", nonce);
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("content-security-policy", policy);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}
