import { caCertificates } from "@/server/entities/certificates";
import { collectionHandlers } from "@/server/http/crud-handlers";

export const dynamic = "force-dynamic";

export const { GET, POST } = collectionHandlers(caCertificates);
