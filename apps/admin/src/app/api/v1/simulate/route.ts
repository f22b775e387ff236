import { withAuth } from "@/server/auth/with-auth";
import { parseBody } from "@/server/http/parse-body";
import { simulate, simulateSchema } from "@/server/simulator/simulate";

export const dynamic = "force-dynamic";

/**
 * Request simulator: sends a composed request through a registered data plane with tracing on
 * and returns its answer with the matched route and every plugin × phase that ran.
 */
export const POST = withAuth({ role: "editor" }, async ({ req }) =>
  Response.json(await simulate(await parseBody(req, simulateSchema))),
);
