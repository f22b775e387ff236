import { withAuth } from "@/server/auth/with-auth";
import { pageOf, parseListQuery } from "@/server/http/list-query";
import { parseBody } from "@/server/http/parse-body";
import { tokenCreateSchema } from "@/server/schemas/auth";
import { createToken, listTokens } from "@/server/tokens/tokens";

export const dynamic = "force-dynamic";

export const GET = withAuth({ role: "admin" }, async ({ url }) => {
  const query = parseListQuery(url, ["created_at"]);
  return Response.json(pageOf(url, query, await listTokens(query)));
});

/** Creates an API token; `token` is in this response only. */
export const POST = withAuth({ role: "admin" }, async ({ req, auth, requestId, ip }) =>
  Response.json(
    await createToken({ auth, requestId, ip }, await parseBody(req, tokenCreateSchema)),
    {
      status: 201,
    },
  ),
);
