import { withoutAuth } from "@/server/auth/with-auth";
import { openApiDocument } from "@/server/openapi/document";

export const dynamic = "force-dynamic";

/** The OpenAPI 3.1 document of this API: public (it describes the API, it holds no data). */
export const GET = withoutAuth(async () => Response.json(openApiDocument()));
