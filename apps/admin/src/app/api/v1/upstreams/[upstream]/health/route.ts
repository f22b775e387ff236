import { withAuth } from "@/server/auth/with-auth";
import { upstreamHealth } from "@/server/upstreams/upstream-health";

export const dynamic = "force-dynamic";

/** Kong's target health of an upstream, per connected data plane (from their heartbeats). */
export const GET = withAuth<{ upstream: string }>({ role: "viewer" }, async ({ params }) =>
  Response.json(await upstreamHealth(params.upstream)),
);
