import { collectionHandlers } from "@/server/http/crud-handlers";
import { consumers } from "@/server/entities/consumers";
import { plugins } from "@/server/entities/plugins";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(plugins, {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
