import { withAuth } from "@/server/auth/with-auth";
import { pageOf, parseListQuery } from "@/server/http/list-query";
import { parseBody } from "@/server/http/parse-body";
import { userCreateSchema } from "@/server/schemas/auth";
import { createUser, listUsers, userView } from "@/server/users/users";

export const dynamic = "force-dynamic";

export const GET = withAuth({ role: "admin" }, async ({ url }) => {
  const query = parseListQuery(url, ["created_at", "username"]);
  return Response.json(pageOf(url, query, await listUsers(query)));
});

export const POST = withAuth({ role: "admin" }, async ({ req, auth, requestId, ip }) => {
  const user = await createUser({ auth, requestId, ip }, await parseBody(req, userCreateSchema));
  return Response.json(userView(user), { status: 201, headers: { etag: `"${user.version}"` } });
});
