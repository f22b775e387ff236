import { itemHandlers } from "@/server/http/crud-handlers";
import { targets } from "@/server/entities/targets";
import { upstreams } from "@/server/entities/upstreams";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(targets, "target", {
  param: "upstream",
  resource: upstreams,
  field: "upstreamId",
});
