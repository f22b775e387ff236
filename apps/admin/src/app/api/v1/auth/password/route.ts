import { withAuth } from "@/server/auth/with-auth";
import { parseBody } from "@/server/http/parse-body";
import { passwordChangeSchema } from "@/server/schemas/auth";
import { changeOwnPassword } from "@/server/users/users";

export const dynamic = "force-dynamic";

/** Change your own password (any role): `{ current_password, new_password }`. */
export const POST = withAuth({ role: "viewer" }, async ({ req, auth, requestId, ip }) => {
  await changeOwnPassword({ auth, requestId, ip }, await parseBody(req, passwordChangeSchema));
  return new Response(null, { status: 204 });
});
