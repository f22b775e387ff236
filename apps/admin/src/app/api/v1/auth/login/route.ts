import { fromZodIssues } from "@gatehouse/config";
import { login } from "@/server/auth/login";
import { isHttps, isSameOrigin } from "@/server/auth/request-info";
import { sessionCookie } from "@/server/auth/sessions";
import { withoutAuth } from "@/server/auth/with-auth";
import { readJsonObject } from "@/server/http/body";
import { ApiError } from "@/server/http/errors";
import { loginSchema } from "@/server/schemas/auth";

export const dynamic = "force-dynamic";

/** Signs in: sets the httpOnly session cookie. Public by design; rate-limited; same-origin only. */
export const POST = withoutAuth(async ({ req, ip, requestId }) => {
  // Login CSRF: a browser on another site must not sign the user in to our admin.
  if (req.headers.get("origin") !== null && !isSameOrigin(req)) {
    throw new ApiError("csrf", "cross-site request refused: the Origin must be this admin's");
  }
  const parsed = loginSchema.safeParse(await readJsonObject(req), { reportInput: true });
  if (!parsed.success) {
    throw new ApiError("validation", "the request is invalid", {
      errors: fromZodIssues(parsed.error.issues),
    });
  }
  const { token, expiresAt, user } = await login(parsed.data, {
    ip,
    userAgent: req.headers.get("user-agent"),
    requestId,
  });
  return Response.json(
    { user, expires_at: expiresAt.toISOString() },
    { headers: { "set-cookie": sessionCookie(token, expiresAt, isHttps(req)) } },
  );
});
