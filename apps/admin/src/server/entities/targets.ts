import "server-only";
import type { Target } from "@gatehouse/db/client";
import { BASE_SORT, idRef, timestamps } from "@/server/entities/common";
import type { Resource } from "@/server/entities/resource";
import { cleanInput, merge, validateEntity } from "@/server/entities/validate";

export const TARGET_FIELDS = ["target", "weight", "tags"] as const;

/** A load-balancing target of a service (Kong keeps them on upstreams; we keep them per service). */
export const targets: Resource<Target> = {
  type: "target",
  delegate: (tx) => tx.target as never,
  fields: TARGET_FIELDS,
  putField: "target",
  sortable: { ...BASE_SORT, target: "target", weight: "weight" },
  nameColumn: "target",
  scopeWhere: (scope) => (scope.serviceId ? { serviceId: scope.serviceId } : {}),
  keyWhere: (key) => [{ id: key }, { target: key }],
  toApi: (row) => ({
    id: row.id,
    service: idRef(row.serviceId),
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
        ...(current ? {} : { serviceId: scope.serviceId }),
        target: t.target,
        weight: t.weight,
        tags: (candidate.tags as string[] | undefined) ?? [],
      },
    };
  },
};
