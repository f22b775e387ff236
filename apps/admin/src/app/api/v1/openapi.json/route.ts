import { withAuth } from "@/server/auth/with-auth";
import { openApiDocument } from "@/server/openapi/document";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of this API. */
export const GET = withAuth({ role: "viewer" }, async () => Response.json(openApiDocument()));
