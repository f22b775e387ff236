import { itemHandlers } from "@/server/http/crud-handlers";
import { upstreams } from "@/server/entities/upstreams";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(upstreams, "upstream");
