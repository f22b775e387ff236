import "server-only";
import { db } from "@/server/db";

/** How many plugin instances (enabled ones) each plugin name has. */
export async function pluginUsage(): Promise<Map<string, number>> {
  const rows = await db().plugin.groupBy({
    by: ["name"],
    where: { enabled: true },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.name, r._count._all]));
}
