import { itemHandlers } from "@/server/http/crud-handlers";
import { routes } from "@/server/entities/routes";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(routes, "route");
