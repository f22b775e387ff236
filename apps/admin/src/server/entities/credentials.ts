import "server-only";
import type { BasicAuthCredential, KeyAuthCredential } from "@gatehouse/db/client";
import { generateToken, hashApiKey, hashPassword } from "@gatehouse/db/auth";
import { env } from "@/env";
import { BASE_SORT, idRef, timestamps } from "@/server/entities/common";
import type { Resource } from "@/server/entities/resource";
import { ApiError } from "@/server/http/errors";
import { cleanInput, merge, validateEntity } from "@/server/entities/validate";

/** HMAC secret for key-auth keys; the data plane matches presented keys with the same secret. */
export function keyHashSecret(): string {
  const secret = env().GATEHOUSE_KEY_HASH_SECRET;
  if (!secret) {
    throw new ApiError(
      "unavailable",
      "GATEHOUSE_KEY_HASH_SECRET is not set on the admin: key-auth keys cannot be stored",
    );
  }
  return secret;
}

/** Characters of a key kept for display. */
const KEY_PREFIX_LENGTH = 4;

/** key-auth: the key itself is never stored (HMAC-SHA256), never read back; shown once on create. */
export const keyAuthCredentials: Resource<KeyAuthCredential> = {
  type: "keyauth_credential",
  delegate: (tx) => tx.keyAuthCredential as never,
  sortable: { ...BASE_SORT },
  nameColumn: null,
  scopeWhere: (scope) => (scope.consumerId ? { consumerId: scope.consumerId } : {}),
  keyWhere: (key) => [{ id: key }],
  toApi: (row) => ({
    id: row.id,
    consumer: idRef(row.consumerId),
    key_prefix: row.keyPrefix,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(_tx, input, current, scope) {
    const cleaned = cleanInput(input, ["key", "tags"], ["key_hash", "ttl"]);
    const generated = !current && cleaned.values.key === undefined;
    const key = (cleaned.values.key as unknown) ?? (generated ? generateToken("gk") : undefined);
    const candidate = merge(current ? { tags: current.tags } : {}, cleaned);
    if (key !== undefined) candidate.key = key;
    else candidate.key_hash = current?.keyHash;
    validateEntity(
      { consumers: [{ username: "consumer", keyauth_credentials: [candidate] }] },
      "consumers[0].keyauth_credentials[0]",
      cleaned.errors,
    );
    const data: Record<string, unknown> = {
      tags: (candidate.tags as string[] | undefined) ?? [],
      ...(current ? {} : { consumerId: scope.consumerId }),
    };
    if (typeof key === "string") {
      data.keyHash = hashApiKey(key, keyHashSecret());
      data.keyPrefix = key.slice(0, KEY_PREFIX_LENGTH);
    }
    return { data, ...(typeof key === "string" ? { reveal: { key } } : {}) };
  },
};

/** basic-auth: the password is stored as a scrypt hash and never read back. */
export const basicAuthCredentials: Resource<BasicAuthCredential> = {
  type: "basicauth_credential",
  delegate: (tx) => tx.basicAuthCredential as never,
  sortable: { username: "username", ...BASE_SORT },
  nameColumn: "username",
  scopeWhere: (scope) => (scope.consumerId ? { consumerId: scope.consumerId } : {}),
  keyWhere: (key) => [{ id: key }, { username: key }],
  toApi: (row) => ({
    id: row.id,
    consumer: idRef(row.consumerId),
    username: row.username,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(_tx, input, current, scope) {
    const cleaned = cleanInput(input, ["username", "password", "tags"], ["password_hash"]);
    const candidate = merge(
      current ? { username: current.username, tags: current.tags } : {},
      cleaned,
    );
    if (candidate.password === undefined && current) candidate.password_hash = current.passwordHash;
    validateEntity(
      { consumers: [{ username: "consumer", basicauth_credentials: [candidate] }] },
      "consumers[0].basicauth_credentials[0]",
      cleaned.errors,
    );
    return {
      data: {
        username: candidate.username,
        tags: (candidate.tags as string[] | undefined) ?? [],
        ...(typeof candidate.password === "string"
          ? { passwordHash: await hashPassword(candidate.password) }
          : {}),
        ...(current ? {} : { consumerId: scope.consumerId }),
      },
    };
  },
};
