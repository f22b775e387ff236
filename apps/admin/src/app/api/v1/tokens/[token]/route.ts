import { withAuth } from "@/server/auth/with-auth";
import { revokeToken } from "@/server/tokens/tokens";

export const dynamic = "force-dynamic";

/** Revokes a token (kept, marked revoked, for the audit trail). */
export const DELETE = withAuth<{ token: string }>(
  { role: "admin" },
  async ({ params, auth, requestId, ip }) => {
    await revokeToken({ auth, requestId, ip }, params.token);
    return new Response(null, { status: 204 });
  },
);
