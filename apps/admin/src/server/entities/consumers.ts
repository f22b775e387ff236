import "server-only";
import type { Consumer } from "@gatehouse/db/client";
import { BASE_SORT, timestamps } from "@/server/entities/common";
import type { Resource } from "@/server/entities/resource";
import { cleanInput, merge, validateEntity } from "@/server/entities/validate";

export const CONSUMER_FIELDS = ["username", "custom_id", "tags"] as const;

export const consumers: Resource<Consumer> = {
  type: "consumer",
  delegate: (tx) => tx.consumer as never,
  fields: CONSUMER_FIELDS,
  putField: "username",
  sortable: { username: "username", ...BASE_SORT, custom_id: "customId" },
  nullable: ["username", "customId"],
  nameColumn: "username",
  scopeWhere: () => ({}),
  keyWhere: (key) => [{ id: key }, { username: key }, { customId: key }],
  toApi: (row) => ({
    id: row.id,
    username: row.username,
    custom_id: row.customId,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(_tx, input, current) {
    const cleaned = cleanInput(input, CONSUMER_FIELDS, [
      "keyauth_credentials",
      "basicauth_credentials",
      "jwt_secrets",
      "acls",
      "plugins",
    ]);
    const base: Record<string, unknown> = current
      ? {
          ...(current.username !== null ? { username: current.username } : {}),
          ...(current.customId !== null ? { custom_id: current.customId } : {}),
          tags: current.tags,
        }
      : {};
    const candidate = merge(base, cleaned);
    if (!current && typeof input.id === "string") candidate.id = input.id;
    const config = validateEntity({ consumers: [candidate] }, "consumers[0]", cleaned.errors);
    const c = config.consumers[0];
    if (!c) throw new Error("validated consumer missing");
    return {
      data: {
        ...(!current && typeof candidate.id === "string" ? { id: candidate.id } : {}),
        username: c.username,
        customId: c.customId,
        tags: c.tags,
      },
    };
  },
};
