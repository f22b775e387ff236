import "server-only";
import type { NormalizedConfig } from "@gatehouse/config";
import { stableId } from "@gatehouse/config";
import type { Target, Upstream } from "@gatehouse/db/client";
import { upstreamRow } from "@/server/entities/upstreams";

type Obj = Record<string, unknown>;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A name `ownUpstreamName` (@gatehouse/db) gives the own upstream of service `service`. */
function isOwnName(name: string, service: string): boolean {
  const lower = name.toLowerCase();
  return (
    new RegExp(`^${escapeRe(service.toLowerCase())}(-\\d+)?\\.upstream$`).test(lower) ||
    /^service-[0-9a-f]{16}(-\d+)?\.upstream$/.test(lower)
  );
}

export interface DesiredUpstreams {
  upstreams: Map<string, Obj>;
  targets: Map<string, Obj>;
  /** document service id → the host its row keeps (the Host header of its own upstream) */
  ownHost: Map<string, string>;
}

/**
 * The upstream and target rows a document asks for. An upstream is a service's own (the shape the
 * admin exports targets added under a service in) when exactly one service uses it, it has a
 * `host_header`, and it is stored as that service's or named as `ownUpstreamName` names one: the
 * service row then keeps the `host_header` as its host. Any other upstream is Kong's: services name
 * it in their host. Rows are matched by name (upstreams) and upstream + target (targets).
 */
export function desiredUpstreams(
  doc: unknown,
  config: NormalizedConfig,
  serviceIds: Map<string, string>,
  current: { upstreams: Upstream[]; targets: Target[] },
): DesiredUpstreams {
  const byName = new Map(current.upstreams.map((u) => [u.name, u]));
  const targetByKey = new Map(current.targets.map((t) => [`${t.upstreamId} ${t.target}`, t]));
  const rawUpstreams = ((doc as Obj).upstreams ?? []) as Obj[];
  const out: DesiredUpstreams = { upstreams: new Map(), targets: new Map(), ownHost: new Map() };
  config.upstreams.forEach((u, i) => {
    const existing = byName.get(u.name);
    const id = existing?.id ?? u.id;
    const users = config.services.filter((s) => s.upstream === u);
    const only = users.length === 1 ? users[0] : undefined;
    const ownerId = only ? serviceIds.get(only.id) : undefined;
    const owned =
      only !== undefined &&
      ownerId !== undefined &&
      u.hostHeader !== null &&
      (existing?.serviceId === ownerId || isOwnName(u.name, only.name));
    if (owned) out.ownHost.set(only.id, u.hostHeader as string);
    out.upstreams.set(id, {
      id,
      ...upstreamRow(u),
      hostHeader: owned ? null : u.hostHeader,
      serviceId: owned ? ownerId : null,
    });
    const rawTargets = (rawUpstreams[i]?.targets ?? []) as Obj[];
    u.targets.forEach((t, j) => {
      const raw = rawTargets[j] ?? {};
      const tid =
        targetByKey.get(`${id} ${t.target}`)?.id ??
        (typeof raw.id === "string" ? raw.id : stableId(`target:${id}:${t.target}`));
      out.targets.set(tid, {
        id: tid,
        upstreamId: id,
        target: t.target,
        weight: t.weight,
        tags: (raw.tags as string[] | undefined) ?? [],
      });
    });
  });
  return out;
}
