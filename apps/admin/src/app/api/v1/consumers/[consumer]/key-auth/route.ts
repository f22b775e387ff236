import { collectionHandlers } from "@/server/http/crud-handlers";
import { consumers } from "@/server/entities/consumers";
import { keyAuthCredentials } from "@/server/entities/credentials";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(keyAuthCredentials, {
  param: "consumer",
  resource: consumers,
  field: "consumerId",
});
