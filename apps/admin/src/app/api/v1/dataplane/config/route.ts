import { refreshSnapshot } from "@/server/changes/refresh-snapshot";
import { withClusterAuth } from "@/server/distribution/cluster-auth";
import { latestConfig } from "@/server/distribution/data-planes";

export const dynamic = "force-dynamic";

/** The newest config version `{version, hash, config}` (cluster token only). */
export const GET = withClusterAuth(async (ctx) => {
  await refreshSnapshot(ctx);
  return Response.json(await latestConfig());
});
