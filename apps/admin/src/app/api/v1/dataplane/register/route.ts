import { refreshSnapshot } from "@/server/changes/refresh-snapshot";
import { parseBody } from "@/server/http/parse-body";
import { withClusterAuth } from "@/server/distribution/cluster-auth";
import { registerMessageSchema } from "@gatehouse/config";
import { registerDataPlane } from "@/server/distribution/data-planes";

export const dynamic = "force-dynamic";

/** A data plane registers (cluster token only): address, software version, plugin set, what it runs. */
export const POST = withClusterAuth(async (ctx) => {
  const input = await parseBody(ctx.req, registerMessageSchema);
  await refreshSnapshot(ctx);
  return Response.json(await registerDataPlane(input));
});
