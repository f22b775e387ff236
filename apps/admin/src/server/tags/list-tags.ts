import "server-only";
import { Prisma } from "@gatehouse/db/client";
import { db } from "@/server/db";
import type { ListQuery } from "@/server/http/list-query";

/** Kong's entity names (its table names) for each tagged table. */
const TAGGED: [entityName: string, table: string][] = [
  ["services", "Service"],
  ["routes", "Route"],
  ["plugins", "Plugin"],
  ["consumers", "Consumer"],
  ["upstreams", "Upstream"],
  ["targets", "Target"],
  ["keyauth_credentials", "KeyAuthCredential"],
  ["basicauth_credentials", "BasicAuthCredential"],
  ["jwt_secrets", "JwtCredential"],
  ["acls", "AclGroup"],
  ["certificates", "Certificate"],
  ["snis", "Sni"],
  ["ca_certificates", "CaCertificate"],
];

export interface TagRow {
  entity_name: string;
  entity_id: string;
  tag: string;
}

/**
 * Kong's `GET /tags` and `GET /tags/{tag}`: one row per (entity, tag), ordered by tag, entity
 * name and id; `size + 1` rows so the caller knows whether there is a next page.
 */
export async function listTags(query: ListQuery, tag: string | null): Promise<TagRow[]> {
  const union = Prisma.join(
    TAGGED.map(
      ([entityName, table]) =>
        Prisma.sql`SELECT ${entityName}::text AS entity_name, id::text AS entity_id, unnest(tags) AS tag FROM ${Prisma.raw(`"${table}"`)}`,
    ),
    " UNION ALL ",
  );
  const filter = tag === null ? Prisma.empty : Prisma.sql`WHERE t.tag = ${tag}`;
  return db().$queryRaw<TagRow[]>`
    SELECT t.entity_name, t.entity_id, t.tag FROM (${union}) AS t ${filter}
    ORDER BY t.tag, t.entity_name, t.entity_id
    LIMIT ${query.size + 1} OFFSET ${query.skip}`;
}
