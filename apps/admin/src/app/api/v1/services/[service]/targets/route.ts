import { collectionHandlers } from "@/server/http/crud-handlers";
import { services } from "@/server/entities/services";
import { serviceTargetsScope, targets } from "@/server/entities/targets";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(targets, {
  param: "service",
  resource: services,
  field: "serviceId",
  scope: serviceTargetsScope,
});
