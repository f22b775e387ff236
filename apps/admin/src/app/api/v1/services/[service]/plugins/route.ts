import { collectionHandlers } from "@/server/http/crud-handlers";
import { plugins } from "@/server/entities/plugins";
import { services } from "@/server/entities/services";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(plugins, {
  param: "service",
  resource: services,
  field: "serviceId",
});
