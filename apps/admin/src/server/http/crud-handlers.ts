import "server-only";
import { withAuth } from "@/server/auth/with-auth";
import type { BaseRow, Resource, Scope, ScopeResolver } from "@/server/entities/resource";
import {
  createEntity,
  deleteEntity,
  expectedVersion,
  listEntities,
  parentScope,
  requireEntity,
  updateEntity,
} from "@/server/entities/resource";
import { readJsonObject } from "@/server/http/body";
import { pageOf, parseListQuery } from "@/server/http/list-query";

type Params = Record<string, string>;

/** A nested path's parent: `/services/{service}/routes` → param "service", field "serviceId". */
export interface Parent<Row extends BaseRow> {
  param: string;
  resource: Resource<Row>;
  field: keyof Scope;
}

function scopeResolver(parent: Parent<BaseRow> | undefined, params: Params): ScopeResolver {
  if (!parent) return async () => ({});
  return parentScope(parent.resource, params[parent.param] ?? "", parent.field);
}

const etag = (row: BaseRow) => `"${row.version}"`;

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
      const body = await readJsonObject(req);
      const { entity, row } = await createEntity(
        resource,
        { auth, requestId, ip },
        body,
        scopeResolver(parent, params),
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
      const body = await readJsonObject(req);
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
