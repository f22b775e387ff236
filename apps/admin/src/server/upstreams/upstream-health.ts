import "server-only";
import type { TargetHealth, UpstreamHealthReport } from "@gatehouse/config";
import { heartbeatIntervalMs } from "@/server/distribution/data-planes";
import { db } from "@/server/db";
import { requireEntity } from "@/server/entities/resource";
import { upstreams } from "@/server/entities/upstreams";

/** One target's health on one data plane. */
export interface PlaneHealth {
  id: string;
  hostname: string | null;
  health: TargetHealth;
  addresses?: { address: string; health: TargetHealth }[];
}

/** `HEALTHY` / `UNHEALTHY` / ... when every connected data plane agrees, `PARTIAL` when not. */
export type OverallHealth = TargetHealth | "PARTIAL" | "UNKNOWN";

function overall(planes: PlaneHealth[]): OverallHealth {
  const states = new Set(planes.map((p) => p.health));
  if (states.size === 0) return "UNKNOWN";
  if (states.size === 1) return [...states][0] as TargetHealth;
  return "PARTIAL";
}

/**
 * Kong's `GET /upstreams/{u}/health`, per data plane: every target of the upstream with the health
 * each connected data plane reported in its last heartbeat (a data plane silent for 3 heartbeat
 * intervals is left out), and `health` summing them up.
 */
export async function upstreamHealth(key: string) {
  const upstream = await requireEntity(upstreams, key);
  const [targets, planes] = await Promise.all([
    db().target.findMany({ where: { upstreamId: upstream.id }, orderBy: { target: "asc" } }),
    db().dataPlane.findMany({ orderBy: { id: "asc" } }),
  ]);
  const now = Date.now();
  const connected = planes.filter(
    (p) => p.lastSeenAt !== null && now - p.lastSeenAt.getTime() <= 3 * heartbeatIntervalMs(),
  );
  // The document names a service's own upstream as the upstream; a data plane reports that name.
  const byTarget = new Map<string, PlaneHealth[]>();
  for (const plane of connected) {
    const reported = (plane.reported ?? {}) as { upstream_health?: UpstreamHealthReport };
    for (const entry of reported.upstream_health ?? []) {
      if (entry.upstream !== upstream.name) continue;
      const list = byTarget.get(entry.target) ?? [];
      list.push({
        id: plane.id,
        hostname: plane.hostname,
        health: entry.health,
        ...(entry.addresses ? { addresses: entry.addresses } : {}),
      });
      byTarget.set(entry.target, list);
    }
  }
  return {
    upstream: { id: upstream.id, name: upstream.name },
    data: targets.map((t) => {
      const perPlane = byTarget.get(t.target) ?? [];
      return {
        id: t.id,
        target: t.target,
        weight: t.weight,
        health: overall(perPlane),
        data_planes: perPlane,
      };
    }),
    data_planes: connected.map((p) => ({ id: p.id, hostname: p.hostname })),
  };
}
