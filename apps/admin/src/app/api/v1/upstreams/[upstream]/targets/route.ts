import { collectionHandlers } from "@/server/http/crud-handlers";
import { targets } from "@/server/entities/targets";
import { upstreams } from "@/server/entities/upstreams";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(targets, {
  param: "upstream",
  resource: upstreams,
  field: "upstreamId",
});
