import { withAuth } from "@/server/auth/with-auth";
import { showVersion, versionNumber } from "@/server/versions/versions";

export const dynamic = "force-dynamic";

export const GET = withAuth<{ version: string }>({ role: "viewer" }, async ({ params }) =>
  Response.json(await showVersion(versionNumber(params.version, "version"))),
);
