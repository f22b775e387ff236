import { listAudit } from "@/server/audit/list-audit";
import { withAuth } from "@/server/auth/with-auth";
import { pageOf, parseListQuery } from "@/server/http/list-query";

export const dynamic = "force-dynamic";

/** The audit log, newest first unless `sort_desc=false`; see auditWhere for filters. */
export const GET = withAuth({ role: "admin" }, async ({ url }) => {
  if (!url.searchParams.has("sort_desc")) url.searchParams.set("sort_desc", "true");
  const query = parseListQuery(url, ["at"]);
  return Response.json(pageOf(url, query, await listAudit(url, query)));
});
