import { itemHandlers } from "@/server/http/crud-handlers";
import { plugins } from "@/server/entities/plugins";
import { services } from "@/server/entities/services";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(plugins, "plugin", {
  param: "service",
  resource: services,
  field: "serviceId",
});
