import { itemHandlers } from "@/server/http/crud-handlers";
import { routes } from "@/server/entities/routes";
import { services } from "@/server/entities/services";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(routes, "route", {
  param: "service",
  resource: services,
  field: "serviceId",
});
