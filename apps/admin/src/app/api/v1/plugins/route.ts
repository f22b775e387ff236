import { collectionHandlers } from "@/server/http/crud-handlers";
import { plugins } from "@/server/entities/plugins";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(plugins);
