import { createHmac } from "node:crypto";
import type {
  NormalizedConfig,
  NormalizedConsumer,
  NormalizedKeyauthCredential,
} from "@gatehouse/config";
import type {
  BasicAuthCredential,
  Consumer,
  CredentialLookup,
  JwtCredential,
} from "@gatehouse/plugin-kit";

interface Entry {
  consumer: Consumer;
  credential: { id: string; consumerId: string; tags: string[] };
}

function asConsumer(c: NormalizedConsumer): Consumer {
  return { id: c.id, username: c.username, customId: c.customId, tags: c.tags };
}

/**
 * Consumers, their credentials (key-auth, basic-auth, jwt) and ACL groups of one snapshot.
 * Plaintext keys (DB-less files) are looked
 * up directly; hashed keys (`key_hash`, pushed by the control plane) as
 * HMAC-SHA256(GATEHOUSE_KEY_HASH_SECRET, key) in lower-case hex.
 */
export function buildCredentials(
  config: NormalizedConfig,
  keyHashSecret: string | undefined,
): CredentialLookup {
  const plain = new Map<string, Entry>();
  const hashed = new Map<string, Entry>();
  const consumers = new Map<string, Consumer>();
  const basic = new Map<string, { consumer: Consumer; credential: BasicAuthCredential }>();
  const jwt = new Map<string, { consumer: Consumer; credential: JwtCredential }>();
  const groups = new Map<string, readonly string[]>();
  for (const c of config.consumers) {
    const consumer = asConsumer(c);
    consumers.set(c.id, consumer);
    if (c.username !== null) consumers.set(c.username, consumer);
    if (c.customId !== null && !consumers.has(c.customId)) consumers.set(c.customId, consumer);
    for (const k of c.keyauthCredentials as NormalizedKeyauthCredential[]) {
      const entry: Entry = { consumer, credential: { id: k.id, consumerId: c.id, tags: k.tags } };
      if (k.key !== null) plain.set(k.key, entry);
      if (k.keyHash !== null) hashed.set(k.keyHash, entry);
    }
    // basic-auth: the plugin checks `password` (plaintext) or `passwordHash` (@gatehouse/secrets scrypt)
    for (const b of c.basicauthCredentials) {
      basic.set(b.username, {
        consumer,
        credential: {
          id: b.id,
          consumerId: c.id,
          username: b.username,
          password: b.password,
          passwordHash: b.passwordHash,
        },
      });
    }
    for (const j of c.jwtSecrets) {
      jwt.set(j.key, {
        consumer,
        credential: {
          id: j.id,
          consumerId: c.id,
          key: j.key,
          algorithm: j.algorithm,
          secret: j.secret,
          rsaPublicKey: j.rsaPublicKey,
        },
      });
    }
    if (c.acls.length > 0)
      groups.set(
        c.id,
        c.acls.map((a) => a.group),
      );
  }
  const canHash = hashed.size > 0 && keyHashSecret !== undefined && keyHashSecret !== "";
  return {
    keyAuth(key: string) {
      const hit = plain.get(key);
      if (hit !== undefined || !canHash) return hit;
      return hashed.get(
        createHmac("sha256", keyHashSecret as string)
          .update(key, "utf8")
          .digest("hex"),
      );
    },
    consumer: (idOrUsername: string) => consumers.get(idOrUsername),
    basicAuth: (username: string) => basic.get(username),
    jwtSecret: (key: string) => jwt.get(key),
    consumerGroups: (consumerId: string) => groups.get(consumerId),
  };
}
