import { withAuth } from "@/server/auth/with-auth";

export const dynamic = "force-dynamic";

/** Who the caller is. */
export const GET = withAuth({ role: "viewer" }, async ({ auth }) =>
  Response.json({ actor: auth.actor, role: auth.role, kind: auth.kind, user_id: auth.userId }),
);
