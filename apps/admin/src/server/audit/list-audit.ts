import "server-only";
import type { Prisma } from "@gatehouse/db/client";
import { db } from "@/server/db";
import { ApiError } from "@/server/http/errors";
import type { FieldError } from "@/server/http/errors";
import type { ListQuery } from "@/server/http/list-query";

/** Filters: actor, action, entity_type, entity_id, request_id, since, until (ISO 8601). */
export function auditWhere(url: URL): Prisma.AuditLogWhereInput {
  const p = url.searchParams;
  const errors: FieldError[] = [];
  const where: Prisma.AuditLogWhereInput = {};
  for (const [param, column] of [
    ["actor", "actor"],
    ["action", "action"],
    ["entity_type", "entityType"],
    ["entity_id", "entityId"],
    ["request_id", "requestId"],
  ] as const) {
    const value = p.get(param);
    if (value !== null) where[column] = value;
  }
  const at: Prisma.DateTimeFilter = {};
  for (const [param, op] of [
    ["since", "gte"],
    ["until", "lt"],
  ] as const) {
    const value = p.get(param);
    if (value === null) continue;
    const date = new Date(value);
    if (Number.isNaN(date.getTime()))
      errors.push({ path: param, message: "must be an ISO 8601 date-time" });
    else at[op] = date;
  }
  if (errors.length > 0) throw new ApiError("validation", "invalid audit filters", { errors });
  if (Object.keys(at).length > 0) where.at = at;
  return where;
}

export async function listAudit(url: URL, query: ListQuery) {
  const rows = await db().auditLog.findMany({
    where: auditWhere(url),
    orderBy: [{ at: query.sortDesc ? "desc" : "asc" }, { id: "asc" }],
    skip: query.skip,
    take: query.size + 1,
  });
  return rows.map((r) => ({
    id: r.id,
    at: r.at.toISOString(),
    actor: r.actor,
    action: r.action,
    entity_type: r.entityType,
    entity_id: r.entityId,
    before: r.before,
    after: r.after,
    request_id: r.requestId,
    ip: r.ip,
  }));
}
