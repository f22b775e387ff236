import { certificates } from "@/server/entities/certificates";
import { itemHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(certificates, "certificate");
