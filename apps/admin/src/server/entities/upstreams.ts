import "server-only";
import type { NormalizedUpstream } from "@gatehouse/config";
import { hashingOf, healthchecksWithDefaults } from "@gatehouse/config";
import type { HealthchecksInput } from "@gatehouse/config";
import type { Upstream } from "@gatehouse/db/client";
import { BASE_SORT, idOrColumn, idRef, timestamps } from "@/server/entities/common";
import type { Resource } from "@/server/entities/resource";
import { cleanInput, merge, validateEntity } from "@/server/entities/validate";

/** Kong's writable upstream fields (decK's names). */
export const UPSTREAM_FIELDS = [
  "name",
  "algorithm",
  "hash_on",
  "hash_fallback",
  "hash_on_header",
  "hash_fallback_header",
  "hash_on_cookie",
  "hash_on_cookie_path",
  "hash_on_query_arg",
  "hash_fallback_query_arg",
  "hash_on_uri_capture",
  "hash_fallback_uri_capture",
  "slots",
  "healthchecks",
  "host_header",
  "tags",
] as const;

/** A validated upstream as its database row (Prisma field names, without id and owner). */
export function upstreamRow(u: NormalizedUpstream) {
  return {
    name: u.name,
    algorithm: u.algorithm,
    ...hashingOf(u),
    slots: u.slots,
    healthchecks: u.healthchecks,
    hostHeader: u.hostHeader,
    tags: u.tags,
  };
}

/** The upstream in the API's (and the declarative document's) field names. */
function upstreamDoc(row: Upstream): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    name: row.name,
    algorithm: row.algorithm,
    hash_on: row.hashOn,
    hash_fallback: row.hashFallback,
    hash_on_header: row.hashOnHeader,
    hash_fallback_header: row.hashFallbackHeader,
    hash_on_cookie: row.hashOnCookie,
    hash_on_cookie_path: row.hashOnCookiePath,
    hash_on_query_arg: row.hashOnQueryArg,
    hash_fallback_query_arg: row.hashFallbackQueryArg,
    hash_on_uri_capture: row.hashOnUriCapture,
    hash_fallback_uri_capture: row.hashFallbackUriCapture,
    slots: row.slots,
    healthchecks: healthchecksWithDefaults(row.healthchecks as HealthchecksInput),
    host_header: row.hostHeader,
    tags: row.tags,
  };
  return doc;
}

const withoutNulls = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null));

/** Kong's upstream: a load balancer over targets; a service whose host names it balances over it. */
export const upstreams: Resource<Upstream> = {
  type: "upstream",
  delegate: (tx) => tx.upstream as never,
  fields: UPSTREAM_FIELDS,
  putField: "name",
  sortable: { name: "name", ...BASE_SORT },
  nameColumn: "name",
  scopeWhere: () => ({}),
  keyWhere: idOrColumn("name"),
  toApi: (row) => ({
    id: row.id,
    ...upstreamDoc(row),
    /** the service this upstream was made for (its targets added under the service), or null */
    service: idRef(row.serviceId),
    ...timestamps(row),
  }),
  async prepare(_tx, input, current) {
    const cleaned = cleanInput(input, current ? UPSTREAM_FIELDS : [...UPSTREAM_FIELDS, "id"], [
      "targets",
    ]);
    if (!current && typeof input.id === "string") cleaned.values.id = input.id;
    const base = current ? withoutNulls(upstreamDoc(current)) : {};
    const candidate = merge(base, cleaned);
    const config = validateEntity({ upstreams: [candidate] }, "upstreams[0]", cleaned.errors);
    const u = config.upstreams[0];
    if (!u) throw new Error("validated upstream missing");
    return {
      data: {
        ...(!current && typeof candidate.id === "string" ? { id: candidate.id } : {}),
        ...upstreamRow(u),
      },
    };
  },
  async deleteBlockers(tx, row) {
    const users = await tx.service.findMany({
      where: { host: { equals: row.name, mode: "insensitive" } },
      select: { name: true },
      orderBy: { name: "asc" },
    });
    return { type: "service", names: users.map((s) => s.name) };
  },
};
