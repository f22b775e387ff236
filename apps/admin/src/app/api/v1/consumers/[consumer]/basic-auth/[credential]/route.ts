import { basicAuthCredentials } from "@/server/entities/credentials";
import { consumers } from "@/server/entities/consumers";
import { itemHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(basicAuthCredentials, "credential", {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
