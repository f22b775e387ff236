import { withAuth } from "@/server/auth/with-auth";
import { listCatalog } from "@/server/catalog/list-catalog";

export const dynamic = "force-dynamic";

export const GET = withAuth({ role: "viewer" }, async () =>
  Response.json({ data: await listCatalog() }),
);
