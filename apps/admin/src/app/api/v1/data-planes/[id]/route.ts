import { withAuth } from "@/server/auth/with-auth";
import { getDataPlane } from "@/server/distribution/data-planes";

export const dynamic = "force-dynamic";

export const GET = withAuth<{ id: string }>({ role: "viewer" }, async ({ params }) =>
  Response.json(await getDataPlane(params.id)),
);
