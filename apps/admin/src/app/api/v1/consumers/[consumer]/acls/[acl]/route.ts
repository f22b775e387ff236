import { aclGroups } from "@/server/entities/credentials";
import { consumers } from "@/server/entities/consumers";
import { itemHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(aclGroups, "acl", {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
