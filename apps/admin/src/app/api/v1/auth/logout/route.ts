import { isHttps } from "@/server/auth/request-info";
import { clearedSessionCookie, deleteSession } from "@/server/auth/sessions";
import { withAuth } from "@/server/auth/with-auth";

export const dynamic = "force-dynamic";

/** Ends the caller's session (any role: it is their own). */
export const POST = withAuth({ role: "viewer" }, async ({ req, auth }) => {
  if (auth.sessionId) await deleteSession(auth.sessionId);
  return new Response(null, {
    status: 204,
    headers: { "set-cookie": clearedSessionCookie(isHttps(req)) },
  });
});
