import { withoutAuth } from "@/server/auth/with-auth";
import { ApiError } from "@/server/http/errors";

export const dynamic = "force-dynamic";

/** Any /api path no route handles: a JSON 404 (not the console's HTML page). */
const notFound = withoutAuth<{ path: string[] }>(async ({ url }) => {
  throw new ApiError(
    "not_found",
    `no API endpoint at ${JSON.stringify(url.pathname.slice(0, 200))}`,
  );
});

export {
  notFound as DELETE,
  notFound as GET,
  notFound as PATCH,
  notFound as POST,
  notFound as PUT,
};
