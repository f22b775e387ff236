import { consumers } from "@/server/entities/consumers";
import { itemHandlers } from "@/server/http/crud-handlers";
import { plugins } from "@/server/entities/plugins";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(plugins, "plugin", {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
