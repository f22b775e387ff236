import { itemHandlers } from "@/server/http/crud-handlers";
import { plugins } from "@/server/entities/plugins";
import { routes } from "@/server/entities/routes";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(plugins, "plugin", {
  param: "route",
  resource: routes,
  field: "routeId",
});
