import { certificates, snis } from "@/server/entities/certificates";
import { itemHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, PUT, PATCH, DELETE } = itemHandlers(snis, "sni", {
  param: "certificate",
  resource: certificates,
  field: "certificateId",
});
