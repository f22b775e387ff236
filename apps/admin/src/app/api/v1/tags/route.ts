import { withAuth } from "@/server/auth/with-auth";
import { pageOf, parseListQuery } from "@/server/http/list-query";
import { listTags } from "@/server/tags/list-tags";

export const dynamic = "force-dynamic";

/** Kong's `GET /tags`: every tagged entity, one row per tag (`entity_name`, `entity_id`, `tag`). */
export const GET = withAuth({ role: "viewer" }, async ({ url }) => {
  const query = parseListQuery(url, ["tag"]);
  return Response.json(pageOf(url, query, await listTags(query, null)));
});
