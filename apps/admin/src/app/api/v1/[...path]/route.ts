import { withoutAuth } from "@/server/auth/with-auth";
import { ApiError } from "@/server/http/errors";

export const dynamic = "force-dynamic";

/** Any /api/v1 path no handler serves: a JSON 404 (never the console's HTML page). */
const unknownPath = withoutAuth<{ path: string[] }>(async ({ req, url }) => {
  throw new ApiError("not_found", `no such endpoint: ${req.method} ${url.pathname}`);
});

export const GET = unknownPath;
export const HEAD = unknownPath;
export const POST = unknownPath;
export const PUT = unknownPath;
export const PATCH = unknownPath;
export const DELETE = unknownPath;
export const OPTIONS = unknownPath;
