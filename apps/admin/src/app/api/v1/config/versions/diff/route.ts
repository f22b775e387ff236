import { withAuth } from "@/server/auth/with-auth";
import { diffVersions, versionNumber } from "@/server/versions/versions";

export const dynamic = "force-dynamic";

/** `?from=N&to=M`: what changes from version N to version M, per entity type. */
export const GET = withAuth({ role: "viewer" }, async ({ url }) => {
  const p = url.searchParams;
  return Response.json(
    await diffVersions(versionNumber(p.get("from"), "from"), versionNumber(p.get("to"), "to")),
  );
});
