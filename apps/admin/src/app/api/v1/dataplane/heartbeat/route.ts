import { parseBody } from "@/server/http/parse-body";
import { withClusterAuth } from "@/server/distribution/cluster-auth";
import { heartbeatMessageSchema } from "@gatehouse/config";
import { heartbeatDataPlane } from "@/server/distribution/data-planes";

export const dynamic = "force-dynamic";

/** Periodic heartbeat of a registered data plane (cluster token only); 404 → register again. */
export const POST = withClusterAuth(async ({ req }) =>
  Response.json(await heartbeatDataPlane(await parseBody(req, heartbeatMessageSchema))),
);
