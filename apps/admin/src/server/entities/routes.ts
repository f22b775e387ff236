import "server-only";
import type { NormalizedConfig } from "@gatehouse/config";
import type { Route } from "@gatehouse/db/client";
import type { Tx } from "@/server/changes/types";
import { BASE_SORT, idOrColumn, idRef, timestamps } from "@/server/entities/common";
import type { Resource, Scope } from "@/server/entities/resource";
import { findEntity } from "@/server/entities/resource";
import { services } from "@/server/entities/services";
import type { FieldError } from "@/server/http/errors";
import { cleanInput, merge, refOf, validateEntity } from "@/server/entities/validate";

export const ROUTE_FIELDS = [
  "name",
  "service",
  "protocols",
  "methods",
  "hosts",
  "paths",
  "headers",
  "strip_path",
  "preserve_host",
  "regex_priority",
  "https_redirect_status_code",
  "tags",
] as const;

/** A validated route as its database row (Prisma field names, without the id). */
export function routeRow(r: NormalizedConfig["routes"][number], serviceId: string | null) {
  return {
    name: r.name,
    serviceId,
    protocols: r.protocols,
    methods: r.methods ?? [],
    hosts: r.hosts ?? [],
    paths: r.paths ?? [],
    headers: r.headers ?? {},
    stripPath: r.stripPath,
    preserveHost: r.preserveHost,
    regexPriority: r.regexPriority,
    httpsRedirectStatusCode: r.httpsRedirectStatusCode,
    tags: r.tags,
  };
}

const UNSUPPORTED = [
  "path_handling",
  "request_buffering",
  "response_buffering",
  "max_body_size",
  "plugins",
];

function routeDoc(row: Route): Record<string, unknown> {
  const headers = (row.headers ?? {}) as Record<string, string[]>;
  return {
    ...(row.name !== null ? { name: row.name } : {}),
    protocols: row.protocols,
    ...(row.methods.length ? { methods: row.methods } : {}),
    ...(row.hosts.length ? { hosts: row.hosts } : {}),
    ...(row.paths.length ? { paths: row.paths } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    strip_path: row.stripPath,
    preserve_host: row.preserveHost,
    regex_priority: row.regexPriority,
    https_redirect_status_code: row.httpsRedirectStatusCode,
    tags: row.tags,
  };
}

/** Resolves a `service` reference of a request body to an id (null = no service). */
export async function resolveServiceRef(
  tx: Tx,
  value: unknown,
  path: string,
  errors: FieldError[],
): Promise<string | null | undefined> {
  if (value === null) return null;
  const ref = refOf(value);
  if (!ref) {
    errors.push({ path, message: 'must be { "id": ... }, { "name": ... } or a name' });
    return undefined;
  }
  const found = await findEntity(services, ref.key, {}, tx);
  if (!found || (ref.by === "id" ? found.id : found.name) !== ref.key) {
    errors.push({ path, message: `unknown service ${JSON.stringify(ref.key)}` });
    return undefined;
  }
  return found.id;
}

export const routes: Resource<Route> = {
  type: "route",
  delegate: (tx) => tx.route as never,
  fields: ROUTE_FIELDS,
  putField: "name",
  sortable: { name: "name", ...BASE_SORT, regex_priority: "regexPriority" },
  nullable: ["name"],
  nameColumn: "name",
  scopeWhere: (scope: Scope) => (scope.serviceId ? { serviceId: scope.serviceId } : {}),
  keyWhere: idOrColumn("name"),
  toApi: (row) => ({
    id: row.id,
    name: row.name,
    service: idRef(row.serviceId),
    protocols: row.protocols,
    methods: row.methods,
    hosts: row.hosts,
    paths: row.paths,
    headers: row.headers,
    strip_path: row.stripPath,
    preserve_host: row.preserveHost,
    regex_priority: row.regexPriority,
    https_redirect_status_code: row.httpsRedirectStatusCode,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(tx, input, current, scope) {
    const cleaned = cleanInput(input, ROUTE_FIELDS, UNSUPPORTED);
    const errors = [...cleaned.errors];
    let serviceId: string | null = current?.serviceId ?? null;
    if (scope.serviceId) serviceId = scope.serviceId;
    if ("service" in cleaned.values || cleaned.cleared.includes("service")) {
      const resolved = await resolveServiceRef(
        tx,
        cleaned.values.service ?? null,
        "service",
        errors,
      );
      if (resolved !== undefined) {
        if (scope.serviceId && resolved !== scope.serviceId) {
          errors.push({
            path: "service",
            message: "must be the service of this path (or left out)",
          });
        } else serviceId = resolved;
      }
      delete cleaned.values.service;
      cleaned.cleared = cleaned.cleared.filter((k) => k !== "service");
    }
    const candidate = merge(current ? routeDoc(current) : {}, cleaned);
    if (!current && typeof input.id === "string") candidate.id = input.id;
    const config = validateEntity({ routes: [candidate] }, "routes[0]", errors);
    const r = config.routes[0];
    if (!r) throw new Error("validated route missing");
    return {
      data: {
        ...(!current && typeof candidate.id === "string" ? { id: candidate.id } : {}),
        ...routeRow(r, serviceId),
      },
    };
  },
};
