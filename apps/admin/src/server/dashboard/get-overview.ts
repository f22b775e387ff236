import "server-only";
import { db } from "@/server/db";

export interface Overview {
  counts: { services: number; routes: number; consumers: number; plugins: number };
  latestVersion: number | null;
  dataPlanes: {
    id: string;
    hostname: string | null;
    status: string;
    appliedVersion: number | null;
  }[];
}

/** What the dashboard shows: entity counts, the newest config version and every data plane's state. */
export async function getOverview(): Promise<Overview> {
  const prisma = db();
  const [services, routes, consumers, plugins, latest, planes] = await Promise.all([
    prisma.service.count(),
    prisma.route.count(),
    prisma.consumer.count(),
    prisma.plugin.count(),
    prisma.configVersion.findFirst({ orderBy: { version: "desc" }, select: { version: true } }),
    prisma.dataPlane.findMany({
      orderBy: { createdAt: "asc" },
      select: { id: true, hostname: true, status: true, appliedVersion: true },
    }),
  ]);
  return {
    counts: { services, routes, consumers, plugins },
    latestVersion: latest?.version ?? null,
    dataPlanes: planes.map((p) => ({ ...p, status: String(p.status) })),
  };
}
