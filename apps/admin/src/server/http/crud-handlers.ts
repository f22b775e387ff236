import "server-only";
import { withAuth } from "@/server/auth/with-auth";
import type { BaseRow, Resource, Scope, ScopeResolver } from "@/server/entities/resource";
import {
  createEntity,
  deleteEntity,
  expectedVersion,
  findEntity,
  listEntities,
  parentScope,
  requireEntity,
  updateEntity,
} from "@/server/entities/resource";
import { readEntityBody } from "@/server/http/entity-body";
import { ApiError } from "@/server/http/errors";
import { pageOf, parseListQuery } from "@/server/http/list-query";

type Params = Record<string, string>;

/** A nested path's parent: `/services/{service}/routes` → param "service", field "serviceId". */
export interface Parent<Row extends BaseRow> {
  param: string;
  resource: Resource<Row>;
  field: keyof Scope;
  /** a scope other than the parent's id (e.g. a service's own upstream); write = may create it */
  scope?: (key: string, write: boolean) => ScopeResolver;
}

function scopeResolver(
  parent: Parent<BaseRow> | undefined,
  params: Params,
  write = false,
): ScopeResolver {
  if (!parent) return async () => ({});
  const key = params[parent.param] ?? "";
  if (parent.scope) return parent.scope(key, write);
  return parentScope(parent.resource, key, parent.field);
}

const etag = (row: BaseRow) => `"${row.version}"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET (list) and POST (create) of a collection. */
export function collectionHandlers<Row extends BaseRow>(
  resource: Resource<Row>,
  parent?: Parent<BaseRow>,
) {
  return {
    GET: withAuth<Params>({ role: "viewer" }, async ({ url, params }) => {
      const query = parseListQuery(url, Object.keys(resource.sortable));
      const scope = await scopeResolver(parent, params)(undefined as never);
      return Response.json(pageOf(url, query, await listEntities(resource, query, scope)));
    }),
    POST: withAuth<Params>({ role: "editor" }, async ({ req, params, auth, requestId, ip }) => {
      const body = await readEntityBody(req, resource.type);
      const { entity, row } = await createEntity(
        resource,
        { auth, requestId, ip },
        body,
        scopeResolver(parent, params, true),
      );
      return Response.json(entity, { status: 201, headers: { etag: etag(row) } });
    }),
  };
}

/** GET, PATCH and DELETE of one entity (by id or name), with ETag / If-Match. */
export function itemHandlers<Row extends BaseRow>(
  resource: Resource<Row>,
  param: string,
  parent?: Parent<BaseRow>,
) {
  return {
    GET: withAuth<Params>({ role: "viewer" }, async ({ params }) => {
      const scope = await scopeResolver(parent, params)(undefined as never);
      const row = await requireEntity(resource, params[param] ?? "", scope);
      return Response.json(resource.toApi(row), { headers: { etag: etag(row) } });
    }),
    PATCH: withAuth<Params>({ role: "editor" }, async ({ req, params, auth, requestId, ip }) => {
      const body = await readEntityBody(req, resource.type);
      const expected = expectedVersion(req, body);
      const { entity, row } = await updateEntity(
        resource,
        { auth, requestId, ip },
        params[param] ?? "",
        body,
        expected,
        scopeResolver(parent, params),
      );
      return Response.json(entity, { headers: { etag: etag(row) } });
    }),
    /**
     * PUT (Kong's upsert): an existing entity is REPLACED (fields left out go back to their
     * defaults; stored secrets stay); an unknown key creates it, the key being its id (uuid) or
     * its name.
     */
    PUT: withAuth<Params>({ role: "editor" }, async ({ req, params, auth, requestId, ip }) => {
      const body = await readEntityBody(req, resource.type);
      const expected = expectedVersion(req, body);
      const key = params[param] ?? "";
      const resolveScope = scopeResolver(parent, params, true);
      const existing = await findEntity(resource, key, await resolveScope(undefined as never));
      const named =
        UUID.test(key) || !resource.putField ? { id: key } : { [resource.putField]: key };
      if (existing) {
        const pinned = parent ? parent.field.replace(/Id$/, "") : undefined;
        const replacement: Record<string, unknown> = {};
        for (const field of resource.fields) {
          if (field !== pinned && !(field in body)) replacement[field] = null;
        }
        const { entity, row } = await updateEntity(
          resource,
          { auth, requestId, ip },
          key,
          { ...replacement, ...("id" in named ? {} : named), ...body },
          expected,
          resolveScope,
        );
        return Response.json(entity, { headers: { etag: etag(row) } });
      }
      if (expected !== undefined) {
        throw new ApiError("stale", `the ${resource.type} does not exist (any more)`);
      }
      const { entity, row } = await createEntity(
        resource,
        { auth, requestId, ip },
        { ...body, ...named },
        resolveScope,
      );
      return Response.json(entity, { status: 201, headers: { etag: etag(row) } });
    }),
    DELETE: withAuth<Params>({ role: "editor" }, async ({ req, params, auth, requestId, ip }) => {
      await deleteEntity(
        resource,
        { auth, requestId, ip },
        params[param] ?? "",
        expectedVersion(req),
        scopeResolver(parent, params),
      );
      return new Response(null, { status: 204 });
    }),
  };
}
