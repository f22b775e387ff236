import { collectionHandlers } from "@/server/http/crud-handlers";
import { plugins } from "@/server/entities/plugins";
import { routes } from "@/server/entities/routes";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(plugins, {
  param: "route",
  resource: routes,
  field: "routeId",
});
