import "server-only";
import { PHASES } from "@gatehouse/plugin-kit";
import { pluginDefinitions } from "@/server/catalog/plugins";
import { db } from "@/server/db";

export type Origin = "global" | "service" | "route" | "consumer";

export interface ChainEntry {
  plugin: string;
  title: string;
  priority: number;
  instanceId: string;
  /** Where the instance that runs is configured (the most specific one wins, as in Kong). */
  origin: Origin;
  /** For consumer-scoped instances: only when this consumer is authenticated. */
  consumer: string | null;
  /** Less specific instances of the same plugin this one replaces. */
  overrides: Origin[];
}

export interface EffectiveChain {
  routeId: string;
  phases: { phase: string; plugins: ChainEntry[] }[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Kong's precedence among the instances of one plugin on a request (consumer-less part).
const SPECIFICITY: Origin[] = ["route", "service", "global"];

/**
 * The plugins that run on a route, in order (priority, highest first) per phase, each with the scope it
 * comes from: from the database rows and the catalog's priorities. Consumer-scoped instances are listed
 * separately per consumer (they apply once that consumer is authenticated). Null when the route is unknown.
 */
export async function effectiveChain(routeId: string): Promise<EffectiveChain | null> {
  const prisma = db();
  const route = await prisma.route.findFirst({
    where: UUID.test(routeId) ? { id: routeId } : { name: routeId },
    select: { id: true, serviceId: true },
  });
  if (!route) return null;
  const rows = await prisma.plugin.findMany({
    where: {
      enabled: true,
      OR: [
        { serviceId: null, routeId: null, consumerId: null },
        ...(route.serviceId ? [{ serviceId: route.serviceId, routeId: null }] : []),
        { routeId: route.id },
        { consumerId: { not: null }, routeId: null, serviceId: null },
      ],
    },
    include: { consumer: { select: { username: true, customId: true } } },
  });
  const defs = pluginDefinitions();
  const entries: ChainEntry[] = [];
  const byName = new Map<string, typeof rows>();
  for (const row of rows) {
    if (row.consumerId) continue;
    byName.set(row.name, [...(byName.get(row.name) ?? []), row]);
  }
  const originOf = (r: (typeof rows)[number]): Origin =>
    r.routeId ? "route" : r.serviceId ? "service" : "global";
  for (const [name, instances] of byName) {
    const sorted = [...instances].sort(
      (a, b) => SPECIFICITY.indexOf(originOf(a)) - SPECIFICITY.indexOf(originOf(b)),
    );
    const winner = sorted[0]!;
    const def = defs.get(name);
    entries.push({
      plugin: name,
      title: def?.meta.title ?? name,
      priority: def?.priority ?? 0,
      instanceId: winner.id,
      origin: originOf(winner),
      consumer: null,
      overrides: sorted.slice(1).map(originOf),
    });
  }
  for (const row of rows.filter((r) => r.consumerId)) {
    const def = defs.get(row.name);
    entries.push({
      plugin: row.name,
      title: def?.meta.title ?? row.name,
      priority: def?.priority ?? 0,
      instanceId: row.id,
      origin: "consumer",
      consumer: row.consumer?.username ?? row.consumer?.customId ?? row.consumerId,
      overrides: [],
    });
  }
  entries.sort((a, b) => b.priority - a.priority || a.plugin.localeCompare(b.plugin));
  return {
    routeId: route.id,
    phases: PHASES.map((phase) => ({
      phase,
      plugins: entries.filter((e) => defs.get(e.plugin)?.meta.phases.includes(phase) ?? false),
    })).filter((p) => p.plugins.length > 0),
  };
}
