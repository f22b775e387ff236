import { includeSecrets } from "@/server/auth/include-secrets";
import { withAuth } from "@/server/auth/with-auth";
import { showVersion, versionNumber } from "@/server/versions/versions";

export const dynamic = "force-dynamic";

/** One config version with its snapshot; secrets masked unless an admin asks (`include_secrets`). */
export const GET = withAuth<{ version: string }>(
  { role: "viewer" },
  async ({ params, url, auth }) =>
    Response.json(
      await showVersion(versionNumber(params.version, "version"), includeSecrets(url, auth)),
    ),
);
