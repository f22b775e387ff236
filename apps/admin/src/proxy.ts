import { NextResponse } from "next/server";
import type { NextRequest } from "next/server";

/**
 * Requests whose path is not valid percent-encoding (`/api/v1/tokens/%C0%AE`, `/services/%ZZ`)
 * are answered 400 here: Next.js would fail decoding the route parameters and answer a bare text
 * 500. Everything else passes through untouched (authorization is checked in each handler).
 */
export function proxy(request: NextRequest): NextResponse | undefined {
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
