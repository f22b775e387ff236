import { withAuth } from "@/server/auth/with-auth";
import { parseBody } from "@/server/http/parse-body";
import { getSettings, settingsUpdateSchema, updateSettings } from "@/server/settings/settings";

export const dynamic = "force-dynamic";

/** The control plane's settings: editors read them (they explain a refused upstream), admins change them. */
export const GET = withAuth({ role: "editor" }, async () => Response.json(await getSettings()));

/** Sets the fields given; a changed `upstream_deny` is a new config version pushed to the data planes. */
export const PATCH = withAuth({ role: "admin" }, async ({ req, auth, requestId, ip }) =>
  Response.json(
    await updateSettings({ auth, requestId, ip }, await parseBody(req, settingsUpdateSchema)),
  ),
);
