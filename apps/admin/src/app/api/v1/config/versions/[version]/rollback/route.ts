import { withAuth } from "@/server/auth/with-auth";
import { rollbackTo, versionNumber } from "@/server/versions/versions";

export const dynamic = "force-dynamic";

/** Applies version N's snapshot as a sync import; the result is a new version. */
export const POST = withAuth<{ version: string }>(
  { role: "editor" },
  async ({ params, auth, requestId, ip }) =>
    Response.json(
      await rollbackTo({ auth, requestId, ip }, versionNumber(params.version, "version")),
    ),
);
