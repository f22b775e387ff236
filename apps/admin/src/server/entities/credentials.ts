import "server-only";
import { randomBytes } from "node:crypto";
import type {
  AclGroup,
  BasicAuthCredential,
  JwtCredential,
  KeyAuthCredential,
} from "@gatehouse/db/client";
import { DEFAULT_JWT_ALGORITHM, isHmacAlgorithm } from "@gatehouse/config";
import { encryptSecret, generateToken, hashApiKey, hashPassword } from "@gatehouse/db/auth";
import { env } from "@/env";
import { secretKeyOf } from "@/server/secrets/key";
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

/**
 * Characters of a key kept for display (not secret on their own): enough of a generated key
 * (`gk_` + 43 random characters) to tell keys apart, and no more than 4 of a short chosen one.
 */
export function keyPrefixOf(key: string): string {
  return key.slice(0, key.length >= 24 ? 10 : 4);
}

/** key-auth: the key itself is never stored (HMAC-SHA256), never read back; shown once on create. */
export const keyAuthCredentials: Resource<KeyAuthCredential> = {
  type: "keyauth_credential",
  delegate: (tx) => tx.keyAuthCredential as never,
  fields: ["key", "tags"],
  putField: null,
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
      data.keyPrefix = keyPrefixOf(key);
    }
    return { data, ...(typeof key === "string" ? { reveal: { key } } : {}) };
  },
};

/** basic-auth: the password is stored as a scrypt hash and never read back. */
export const basicAuthCredentials: Resource<BasicAuthCredential> = {
  type: "basicauth_credential",
  delegate: (tx) => tx.basicAuthCredential as never,
  fields: ["username", "password", "tags"],
  putField: "username",
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

/**
 * The key of every secret stored encrypted (jwt secrets, private keys, plugin secrets), see
 * secretKeyOf. Undefined when GATEHOUSE_KEY_HASH_SECRET is not configured.
 */
export function jwtSecretKey(): string | undefined {
  return secretKeyOf(env().GATEHOUSE_KEY_HASH_SECRET);
}

/**
 * The key of `jwtSecretKey`, for every secret stored encrypted (jwt secrets, certificates' private
 * keys); a 503 naming `what` when the operator secret is not configured.
 */
export function requireSecretKey(what = "jwt secrets"): string {
  const key = jwtSecretKey();
  if (!key) {
    throw new ApiError(
      "unavailable",
      `GATEHOUSE_KEY_HASH_SECRET is not set on the admin: ${what} cannot be stored`,
    );
  }
  return key;
}

/** Encrypts a jwt HS secret for storage. */
export function encryptJwtSecret(secret: string): string {
  return encryptSecret(secret, requireSecretKey());
}

/**
 * jwt: HS* secrets are stored encrypted (the data planes need them in clear), shown once on
 * create; RS*, PS*, ES* and EdDSA keep the public key (Kong's `rsa_public_key`), which is not
 * secret; @gatehouse/config checks it parses and fits the algorithm.
 */
export const jwtCredentials: Resource<JwtCredential> = {
  type: "jwt_secret",
  delegate: (tx) => tx.jwtCredential as never,
  fields: ["key", "algorithm", "secret", "rsa_public_key", "tags"],
  putField: "key",
  sortable: { key: "key", ...BASE_SORT },
  nameColumn: "key",
  scopeWhere: (scope) => (scope.consumerId ? { consumerId: scope.consumerId } : {}),
  keyWhere: (key) => [{ id: key }, { key }],
  toApi: (row) => ({
    id: row.id,
    consumer: idRef(row.consumerId),
    key: row.key,
    algorithm: row.algorithm,
    rsa_public_key: row.rsaPublicKey,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(_tx, input, current, scope) {
    const cleaned = cleanInput(input, ["key", "algorithm", "secret", "rsa_public_key", "tags"]);
    const base: Record<string, unknown> = current
      ? {
          key: current.key,
          algorithm: current.algorithm,
          ...(current.rsaPublicKey !== null ? { rsa_public_key: current.rsaPublicKey } : {}),
          tags: current.tags,
        }
      : {};
    const candidate = merge(base, cleaned);
    candidate.key ??= generateToken("gj");
    // a non-string algorithm is reported by the validator below; until then it counts as HS256
    const algorithm =
      typeof candidate.algorithm === "string" ? candidate.algorithm : DEFAULT_JWT_ALGORITHM;
    const hs = isHmacAlgorithm(algorithm);
    let revealSecret: string | undefined;
    if (hs && candidate.secret === undefined) {
      if (current?.secretEncrypted && current.algorithm === algorithm) candidate.secret = "stored";
      else candidate.secret = revealSecret = randomBytes(32).toString("base64url");
    } else if (hs && typeof candidate.secret === "string") revealSecret = candidate.secret;
    const errors = [...cleaned.errors];
    validateEntity(
      { consumers: [{ username: "consumer", jwt_secrets: [candidate] }] },
      "consumers[0].jwt_secrets[0]",
      errors,
    );
    return {
      data: {
        key: candidate.key,
        algorithm,
        tags: (candidate.tags as string[] | undefined) ?? [],
        rsaPublicKey: hs ? null : ((candidate.rsa_public_key as string | undefined) ?? null),
        ...(hs
          ? revealSecret !== undefined
            ? { secretEncrypted: encryptJwtSecret(revealSecret) }
            : {}
          : { secretEncrypted: null }),
        ...(current ? {} : { consumerId: scope.consumerId }),
      },
      ...(revealSecret !== undefined ? { reveal: { secret: revealSecret } } : {}),
    };
  },
};

/** acl: a group the consumer belongs to (Kong's `/consumers/{consumer}/acls`), one row per group. */
export const aclGroups: Resource<AclGroup> = {
  type: "acl",
  delegate: (tx) => tx.aclGroup as never,
  fields: ["group", "tags"],
  putField: "group",
  sortable: { group: "group", ...BASE_SORT },
  nameColumn: "group",
  scopeWhere: (scope) => (scope.consumerId ? { consumerId: scope.consumerId } : {}),
  keyWhere: (key) => [{ id: key }, { group: key }],
  toApi: (row) => ({
    id: row.id,
    consumer: idRef(row.consumerId),
    group: row.group,
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(_tx, input, current, scope) {
    const cleaned = cleanInput(input, ["group", "tags"]);
    const candidate = merge(current ? { group: current.group, tags: current.tags } : {}, cleaned);
    validateEntity(
      { consumers: [{ username: "consumer", acls: [candidate] }] },
      "consumers[0].acls[0]",
      cleaned.errors,
    );
    return {
      data: {
        group: candidate.group,
        tags: (candidate.tags as string[] | undefined) ?? [],
        ...(current ? {} : { consumerId: scope.consumerId }),
      },
    };
  },
};
