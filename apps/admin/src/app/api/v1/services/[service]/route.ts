import { itemHandlers } from "@/server/http/crud-handlers";
import { services } from "@/server/entities/services";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(services, "service");
