import "server-only";
import type { Principal } from "@/server/auth/principal";
import { applyChange } from "@/server/changes/commit-change";
import { describeChange } from "@/server/changes/describe";
import type { AuditEntry, Tx } from "@/server/changes/types";
import { db } from "@/server/db";
import { ApiError, notFound } from "@/server/http/errors";
import type { ListQuery } from "@/server/http/list-query";
import { tagsWhere } from "@/server/http/list-query";

/** The parts of a Prisma model delegate the generic operations use. */
export interface Delegate {
  findMany(args: unknown): Promise<unknown[]>;
  findFirst(args: unknown): Promise<unknown>;
  create(args: unknown): Promise<unknown>;
  updateMany(args: unknown): Promise<{ count: number }>;
  findUniqueOrThrow(args: unknown): Promise<unknown>;
  delete(args: unknown): Promise<unknown>;
}

export interface BaseRow {
  id: string;
  version: number;
}

/** Parent entity ids a nested path pins (`/services/{x}/routes` → serviceId). */
export interface Scope {
  serviceId?: string;
  upstreamId?: string;
  routeId?: string;
  consumerId?: string;
  certificateId?: string;
}

export interface Prepared {
  data: Record<string, unknown>;
  /** Shown once in the create/update response, never stored or logged (e.g. a generated key). */
  reveal?: Record<string, unknown>;
}

/** One REST resource over one table. */
export interface Resource<Row extends BaseRow> {
  /** audit entity type and OpenAPI tag, e.g. "service" */
  type: string;
  delegate(client: Tx): Delegate;
  /** api sort field → column */
  sortable: Record<string, string>;
  /** the writable API fields (PUT resets the ones it leaves out) */
  fields: readonly string[];
  /** the API field a PUT to an unknown non-uuid key sets from the path (null: ids only) */
  putField: string | null;
  /** sort columns that may be NULL (sorted last) */
  nullable?: readonly string[];
  /** column `name` / `q` search on, or null */
  nameColumn: string | null;
  scopeWhere(scope: Scope): Record<string, unknown>;
  /** the id-or-name lookup `where` (within the scope) */
  keyWhere(key: string): Record<string, unknown>[];
  toApi(row: Row): Record<string, unknown>;
  prepare(
    tx: Tx,
    input: Record<string, unknown>,
    current: Row | null,
    scope: Scope,
  ): Promise<Prepared>;
  /** Entities that keep this one from being deleted (a 409 names them), e.g. a service's routes. */
  deleteBlockers?(tx: Tx, row: Row): Promise<{ type: string; names: string[] } | null>;
}

const client = () => db() as unknown as Tx;

export async function findEntity<Row extends BaseRow>(
  resource: Resource<Row>,
  key: string,
  scope: Scope = {},
  tx: Tx = client(),
): Promise<Row | null> {
  return (await resource.delegate(tx).findFirst({
    where: { ...resource.scopeWhere(scope), OR: resource.keyWhere(key) },
  })) as Row | null;
}

export async function requireEntity<Row extends BaseRow>(
  resource: Resource<Row>,
  key: string,
  scope: Scope = {},
  tx: Tx = client(),
): Promise<Row> {
  const row = await findEntity(resource, key, scope, tx);
  if (!row) throw notFound(resource.type, key);
  return row;
}

export async function listEntities<Row extends BaseRow>(
  resource: Resource<Row>,
  query: ListQuery,
  scope: Scope = {},
): Promise<Record<string, unknown>[]> {
  const where: Record<string, unknown> = { ...resource.scopeWhere(scope), ...tagsWhere(query) };
  if (resource.nameColumn) {
    if (query.name !== null) where[resource.nameColumn] = query.name;
    else if (query.q !== null) {
      where[resource.nameColumn] = { contains: query.q, mode: "insensitive" };
    }
  }
  const column = resource.sortable[query.sortBy] ?? "createdAt";
  const direction = query.sortDesc ? "desc" : "asc";
  const rows = (await resource.delegate(client()).findMany({
    where,
    orderBy: [
      {
        [column]: resource.nullable?.includes(column)
          ? { sort: direction, nulls: "last" }
          : direction,
      },
      { id: direction },
    ],
    skip: query.skip,
    take: query.size + 1,
  })) as Row[];
  return rows.map((row) => resource.toApi(row));
}

/** `If-Match: "3"` / `W/"3"` / `3`, else the body's `version`; undefined when neither is given. */
export function expectedVersion(req: Request, body?: Record<string, unknown>): number | undefined {
  const header = req.headers.get("if-match");
  if (header !== null && header.trim() !== "*") {
    const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
    if (!match) {
      throw new ApiError("bad_request", 'If-Match must be an ETag this API returned, e.g. "3"', {
        errors: [{ path: "If-Match", message: "is not a version ETag" }],
      });
    }
    return Number(match[1]);
  }
  const version = body?.version;
  if (version === undefined || version === null) return undefined;
  if (!Number.isInteger(version)) {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "version", message: "must be an integer (the version you read)" }],
    });
  }
  return version as number;
}

function checkVersion(row: BaseRow, expected: number | undefined, type: string): void {
  if (expected !== undefined && row.version !== expected) {
    throw new ApiError(
      "stale",
      `the ${type} was changed since you read it (you have version ${expected}, the current one is ${row.version})`,
    );
  }
}

export interface Caller {
  auth: Principal;
  requestId: string;
  ip: string;
}

const actorOf = (caller: Caller) => ({
  actor: caller.auth.actor,
  requestId: caller.requestId,
  ip: caller.ip,
});

/** A resolver of the parent scope inside the change transaction (404 when a parent is gone). */
export type ScopeResolver = (tx: Tx) => Promise<Scope>;

export async function createEntity<Row extends BaseRow>(
  resource: Resource<Row>,
  caller: Caller,
  input: Record<string, unknown>,
  resolveScope: ScopeResolver = async () => ({}),
): Promise<{ entity: Record<string, unknown>; row: Row }> {
  const { result } = await applyChange(actorOf(caller), `create ${resource.type}`, async (tx) => {
    const scope = await resolveScope(tx);
    const prepared = await resource.prepare(tx, input, null, scope);
    const row = (await resource.delegate(tx).create({ data: prepared.data })) as Row;
    const after = resource.toApi(row);
    const audit: AuditEntry[] = [
      { action: "create", entityType: resource.type, entityId: row.id, after },
    ];
    const message = await describeChange(tx, resource.type, "create", row as never);
    return { result: { entity: { ...after, ...prepared.reveal }, row }, audit, message };
  });
  return result;
}

export async function updateEntity<Row extends BaseRow>(
  resource: Resource<Row>,
  caller: Caller,
  key: string,
  input: Record<string, unknown>,
  expected: number | undefined,
  resolveScope: ScopeResolver = async () => ({}),
): Promise<{ entity: Record<string, unknown>; row: Row }> {
  const { result } = await applyChange(
    actorOf(caller),
    `update ${resource.type} ${key}`,
    async (tx) => {
      const scope = await resolveScope(tx);
      const current = await requireEntity(resource, key, scope, tx);
      checkVersion(current, expected, resource.type);
      const prepared = await resource.prepare(tx, input, current, scope);
      const { count } = await resource.delegate(tx).updateMany({
        where: { id: current.id, version: current.version },
        data: { ...prepared.data, version: { increment: 1 } },
      });
      if (count === 0) {
        throw new ApiError("stale", `the ${resource.type} was changed concurrently; read it again`);
      }
      const row = (await resource
        .delegate(tx)
        .findUniqueOrThrow({ where: { id: current.id } })) as Row;
      const before = resource.toApi(current);
      const after = resource.toApi(row);
      return {
        result: { entity: { ...after, ...prepared.reveal }, row },
        audit: [{ action: "update", entityType: resource.type, entityId: row.id, before, after }],
        message: await describeChange(tx, resource.type, "update", row as never, current as never),
      };
    },
  );
  return result;
}

export async function deleteEntity<Row extends BaseRow>(
  resource: Resource<Row>,
  caller: Caller,
  key: string,
  expected: number | undefined,
  resolveScope: ScopeResolver = async () => ({}),
): Promise<void> {
  await applyChange(actorOf(caller), `delete ${resource.type} ${key}`, async (tx) => {
    const scope = await resolveScope(tx);
    const current = await requireEntity(resource, key, scope, tx);
    checkVersion(current, expected, resource.type);
    const blockers = await resource.deleteBlockers?.(tx, current);
    if (blockers && blockers.names.length > 0) {
      const list = blockers.names.map((n) => JSON.stringify(n)).join(", ");
      throw new ApiError(
        "conflict",
        `the ${resource.type} ${JSON.stringify(key)} is still used by ${blockers.type}s ${list}: delete or move them first`,
        { errors: [{ path: `${blockers.type}s`, message: `still referenced by ${list}` }] },
      );
    }
    const message = await describeChange(tx, resource.type, "delete", current as never);
    await resource.delegate(tx).delete({ where: { id: current.id } });
    return {
      result: undefined,
      message,
      audit: [
        {
          action: "delete",
          entityType: resource.type,
          entityId: current.id,
          before: resource.toApi(current),
        },
      ],
    };
  });
}

/** A looked-up parent, as a scope resolver (404 when it does not exist). */
export function parentScope<Row extends BaseRow>(
  resource: Resource<Row>,
  key: string,
  field: keyof Scope,
): ScopeResolver {
  return async (tx) => ({ [field]: (await requireEntity(resource, key, {}, tx)).id });
}
