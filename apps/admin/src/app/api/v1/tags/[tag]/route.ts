import { withAuth } from "@/server/auth/with-auth";
import { pageOf, parseListQuery } from "@/server/http/list-query";
import { listTags } from "@/server/tags/list-tags";

export const dynamic = "force-dynamic";

/** Kong's `GET /tags/{tag}`: the entities carrying one tag. */
export const GET = withAuth<{ tag: string }>({ role: "viewer" }, async ({ url, params }) => {
  const query = parseListQuery(url, ["tag"]);
  return Response.json(pageOf(url, query, await listTags(query, params.tag)));
});
