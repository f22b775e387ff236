import { aclGroups } from "@/server/entities/credentials";
import { collectionHandlers } from "@/server/http/crud-handlers";
import { consumers } from "@/server/entities/consumers";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(aclGroups, {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
