import { withAuth } from "@/server/auth/with-auth";
import { DATA_PLANE_SORTS, listDataPlanes } from "@/server/distribution/data-planes";
import { pageOf, parseListQuery } from "@/server/http/list-query";

export const dynamic = "force-dynamic";

/** Registered data planes with what they run and why not the newest version. `status`, `q` filter. */
export const GET = withAuth({ role: "viewer" }, async ({ url }) => {
  const query = parseListQuery(url, DATA_PLANE_SORTS);
  return Response.json(pageOf(url, query, await listDataPlanes(url, query)));
});
