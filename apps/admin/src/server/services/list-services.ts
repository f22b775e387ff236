import "server-only";
import { db } from "@/server/db";

/** What the services list shows: only what the UI needs. */
export interface ServiceSummary {
  id: string;
  name: string;
  url: string;
  routeCount: number;
  tags: string[];
}

export function serviceUrl(service: {
  protocol: string;
  host: string;
  port: number;
  path: string | null;
}): string {
  return `${service.protocol}://${service.host}:${service.port}${service.path ?? ""}`;
}

export async function listServices(): Promise<ServiceSummary[]> {
  const rows = await db().service.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      protocol: true,
      host: true,
      port: true,
      path: true,
      tags: true,
      _count: { select: { routes: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    url: serviceUrl(row),
    routeCount: row._count.routes,
    tags: row.tags,
  }));
}
