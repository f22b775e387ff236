import { consumers } from "@/server/entities/consumers";
import { jwtCredentials } from "@/server/entities/credentials";
import { itemHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(jwtCredentials, "credential", {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
