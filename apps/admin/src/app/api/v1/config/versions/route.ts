import { withAuth } from "@/server/auth/with-auth";
import { pageOf, parseListQuery } from "@/server/http/list-query";
import { listVersions } from "@/server/versions/versions";

export const dynamic = "force-dynamic";

/** Config versions, newest first unless `sort_desc=false`. */
export const GET = withAuth({ role: "viewer" }, async ({ url }) => {
  if (!url.searchParams.has("sort_desc")) url.searchParams.set("sort_desc", "true");
  const query = parseListQuery(url, ["version"]);
  return Response.json(pageOf(url, query, await listVersions(query)));
});
