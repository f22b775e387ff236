import { consumers } from "@/server/entities/consumers";
import { jwtCredentials } from "@/server/entities/credentials";
import { collectionHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(jwtCredentials, {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
