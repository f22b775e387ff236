import "server-only";
import type { Target } from "@gatehouse/db/client";
import { ownUpstreamName } from "@gatehouse/db/export";
import type { Tx } from "@/server/changes/types";
import { db } from "@/server/db";
import { BASE_SORT, idRef, timestamps } from "@/server/entities/common";
import type { Resource, Scope, ScopeResolver } from "@/server/entities/resource";
import { requireEntity } from "@/server/entities/resource";
import { services } from "@/server/entities/services";
import { cleanInput, merge, validateEntity } from "@/server/entities/validate";

export const TARGET_FIELDS = ["target", "weight", "tags"] as const;

/** No upstream has this id: the scope of a service that has no upstream of its own yet. */
const NO_UPSTREAM = "";

/** A load-balancing target of an upstream (Kong's entity): `host:port` or `hostname:port`. */
export const targets: Resource<Target> = {
  type: "target",
  delegate: (tx) => tx.target as never,
  fields: TARGET_FIELDS,
  putField: "target",
  sortable: { ...BASE_SORT, target: "target", weight: "weight" },
  nameColumn: "target",
  scopeWhere: (scope) => ({ upstreamId: scope.upstreamId ?? NO_UPSTREAM }),
  keyWhere: (key) => [{ id: key }, { target: key }],
  toApi: (row) => ({
    id: row.id,
    upstream: idRef(row.upstreamId),
    target: row.target,
    weight: row.weight,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(_tx, input, current, scope) {
    const cleaned = cleanInput(input, TARGET_FIELDS);
    const base = current
      ? { target: current.target, weight: current.weight, tags: current.tags }
      : {};
    const candidate = merge(base, cleaned);
    const config = validateEntity(
      { upstreams: [{ name: "upstream", targets: [candidate] }] },
      "upstreams[0].targets[0]",
      cleaned.errors,
    );
    const t = config.upstreams[0]?.targets[0];
    if (!t) throw new Error("validated target missing");
    return {
      data: {
        ...(current ? {} : { upstreamId: scope.upstreamId }),
        target: t.target,
        weight: t.weight,
        tags: (candidate.tags as string[] | undefined) ?? [],
      },
    };
  },
};

/**
 * `/services/{service}/targets`: the targets of the service's own upstream (issue 9: a service's
 * targets never serve another service). A write creates that upstream when the service has none
 * yet, named by `ownUpstreamName`; the service keeps its host, the upstream's Host header.
 */
export function serviceTargetsScope(serviceKey: string, write: boolean): ScopeResolver {
  return async (tx?: Tx): Promise<Scope> => {
    const client = tx ?? (db() as unknown as Tx);
    const service = await requireEntity(services, serviceKey, {}, client);
    const own = await client.upstream.findUnique({ where: { serviceId: service.id } });
    if (own) return { upstreamId: own.id };
    // created only inside the change's transaction (a GET, or PUT's first look, never creates)
    if (!write || tx === undefined) return { upstreamId: NO_UPSTREAM };
    const [hosts, names] = await Promise.all([
      client.service.findMany({ select: { host: true } }),
      client.upstream.findMany({ select: { name: true } }),
    ]);
    const taken = new Set([...hosts.map((h) => h.host), ...names.map((n) => n.name)]);
    const name = ownUpstreamName(service, new Set([...taken].map((t) => t.toLowerCase())));
    const created = await client.upstream.create({ data: { name, serviceId: service.id } });
    return { upstreamId: created.id };
  };
}
