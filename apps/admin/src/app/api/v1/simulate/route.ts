import { withAuth } from "@/server/auth/with-auth";
import { parseBody } from "@/server/http/parse-body";
import { simulatorShowsBody } from "@/server/settings/settings";
import { simulate, simulateSchema } from "@/server/simulator/simulate";

export const dynamic = "force-dynamic";

/**
 * Request simulator: sends a composed request through a registered data plane with tracing on
 * and returns its answer with the matched route and every plugin × phase that ran. The upstream's
 * body is returned to admins, and to editors only with the admin setting `simulator_show_body`.
 */
export const POST = withAuth({ role: "editor" }, async ({ req, auth }) =>
  Response.json(
    await simulate(await parseBody(req, simulateSchema), {
      showBody: await simulatorShowsBody(auth),
    }),
  ),
);
