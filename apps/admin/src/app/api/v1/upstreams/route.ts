import { collectionHandlers } from "@/server/http/crud-handlers";
import { upstreams } from "@/server/entities/upstreams";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(upstreams);
