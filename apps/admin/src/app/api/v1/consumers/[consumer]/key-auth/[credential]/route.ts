import { consumers } from "@/server/entities/consumers";
import { itemHandlers } from "@/server/http/crud-handlers";
import { keyAuthCredentials } from "@/server/entities/credentials";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(keyAuthCredentials, "credential", {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
