import { withAuth } from "@/server/auth/with-auth";
import { expectedVersion } from "@/server/entities/resource";
import { parseBody } from "@/server/http/parse-body";
import { userUpdateSchema } from "@/server/schemas/auth";
import { deleteUser, findUser, updateUser, userView } from "@/server/users/users";

export const dynamic = "force-dynamic";

type P = { user: string };

export const GET = withAuth<P>({ role: "admin" }, async ({ params }) => {
  const user = await findUser(params.user);
  return Response.json(userView(user), { headers: { etag: `"${user.version}"` } });
});

export const PATCH = withAuth<P>(
  { role: "admin" },
  async ({ req, params, auth, requestId, ip }) => {
    const body = await parseBody(req, userUpdateSchema);
    const user = await updateUser(
      { auth, requestId, ip },
      params.user,
      body,
      expectedVersion(req, body),
    );
    return Response.json(userView(user), { headers: { etag: `"${user.version}"` } });
  },
);

export const DELETE = withAuth<P>({ role: "admin" }, async ({ params, auth, requestId, ip }) => {
  await deleteUser({ auth, requestId, ip }, params.user);
  return new Response(null, { status: 204 });
});
