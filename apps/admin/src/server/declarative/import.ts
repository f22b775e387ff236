import "server-only";
import type { NormalizedConfig } from "@gatehouse/config";
import { canonicalJson, isHmacAlgorithm, validateDeclarative } from "@gatehouse/config";
import { decryptSecret, hashApiKey, hashPassword, verifyPassword } from "@gatehouse/db/auth";
import type { Prisma } from "@gatehouse/db/client";
import {
  SECRET_MASK,
  maskedSecretFields,
  maskPluginConfig,
  unmaskPluginConfig,
  validationCatalog,
} from "@/server/catalog/plugins";
import type { AuditEntry, Tx } from "@/server/changes/types";
import { desiredUpstreams } from "@/server/declarative/import-upstreams";
import {
  encryptJwtSecret,
  jwtSecretKey,
  keyHashSecret,
  requireSecretKey,
} from "@/server/entities/credentials";
import { sealPluginConfig } from "@/server/catalog/plugin-secrets";
import { openStoredSecrets } from "@/server/secrets/open";
import {
  restoreMaskedCertificateKeys,
  serviceTlsRow,
  tlsTables,
} from "@/server/declarative/import-tls";
import { routeRow } from "@/server/entities/routes";
import { serviceRow } from "@/server/entities/services";
import type { FieldError } from "@/server/http/errors";
import { validationError } from "@/server/http/errors";

export type ImportMode = "sync" | "partial" | "tags";

export interface ImportOptions {
  mode: ImportMode;
  /** for mode "tags": the tags that select the managed entities */
  tags?: string[];
  /**
   * Store each plugin's config exactly as the document gives it (validated, but without the
   * defaults validation fills in): a rollback restores the old version's document byte for byte.
   */
  verbatimPluginConfigs?: boolean;
}

type Obj = Record<string, unknown>;
type Row = Obj & { id: string; tags: string[] };

/** One table's desired rows (Prisma field names) and how to compare/write them. */
interface Table {
  type: string;
  delegate: (tx: Tx) => {
    findMany(args?: unknown): Promise<unknown[]>;
    createMany(args: unknown): Promise<unknown>;
    update(args: unknown): Promise<unknown>;
    deleteMany(args: unknown): Promise<unknown>;
  };
  desired: Map<string, Obj>;
}

/** Reads `services[0].routes[1].plugins[0]` out of the raw document. */
function at(doc: unknown, path: string): Obj {
  let node: unknown = doc;
  for (const m of path.matchAll(/([A-Za-z_]+)|\[(\d+)\]/g)) {
    node = m[1] !== undefined ? (node as Obj)[m[1]] : (node as unknown[])[Number(m[2])];
  }
  return (node ?? {}) as Obj;
}

/** Rows per INSERT / DELETE statement. */
const BATCH = 1000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const UNSUPPORTED_ROUTE_FIELDS = [
  "path_handling",
  "request_buffering",
  "response_buffering",
  "max_body_size",
];

/** Checks the admin's own limits on a document the data plane would accept. */
function adminChecks(doc: Obj, config: NormalizedConfig, options: ImportOptions): FieldError[] {
  const errors: FieldError[] = [];
  const routeSites: [Obj, string][] = [];
  ((doc.services ?? []) as Obj[]).forEach((s, i) => {
    if (s.enabled !== undefined)
      errors.push({ path: `services[${i}].enabled`, message: "is not supported by the admin" });
    ((s.routes ?? []) as Obj[]).forEach((r, j) =>
      routeSites.push([r, `services[${i}].routes[${j}]`]),
    );
  });
  ((doc.routes ?? []) as Obj[]).forEach((r, i) => routeSites.push([r, `routes[${i}]`]));
  for (const [r, path] of routeSites) {
    for (const key of UNSUPPORTED_ROUTE_FIELDS) {
      if (r[key] !== undefined)
        errors.push({ path: `${path}.${key}`, message: "is not supported by the admin" });
    }
  }
  if (options.mode === "tags") {
    const selected = options.tags ?? [];
    const check = (tags: string[], path: string) => {
      if (!tags.some((t) => selected.includes(t))) {
        errors.push({
          path: `${path}.tags`,
          message: `must include one of the selected tags (${selected.join(", ")})`,
        });
      }
    };
    ((doc.services ?? []) as Obj[]).forEach((s, i) =>
      check((s.tags as string[]) ?? [], `services[${i}]`),
    );
    for (const [r, path] of routeSites) check((r.tags as string[]) ?? [], path);
    ((doc.consumers ?? []) as Obj[]).forEach((c, i) =>
      check((c.tags as string[]) ?? [], `consumers[${i}]`),
    );
    config.plugins.forEach((p) => check(p.tags, p.source));
    config.certificates.forEach((c, i) => check(c.tags, `certificates[${i}]`));
    config.caCertificates.forEach((c, i) => check(c.tags, `ca_certificates[${i}]`));
  }
  return errors;
}

const MASKED_MESSAGE = "is masked: give the real value (export with include_secrets=true)";

/**
 * An export without include_secrets carries SECRET_MASK for key-auth key hashes and basic-auth
 * password hashes. Imported back, a masked hash keeps the stored one: the key-auth credential with
 * the same id, the basic-auth credential with the same username, each only when it belongs to the
 * consumer the document names (matched like the import matches it: username, custom_id, id).
 * Returns a copy of the document with the stored hashes in place; a masked hash with no stored
 * credential to keep is a 400 naming the field. Nothing is read unless a mask is present.
 */
export async function restoreMaskedCredentials(
  client: Pick<Tx, "consumer" | "keyAuthCredential" | "basicAuthCredential">,
  doc: unknown,
): Promise<unknown> {
  const consumers = (doc as Obj | null)?.consumers;
  if (!Array.isArray(consumers)) return doc;
  const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
  const masked = (list: unknown, field: string) =>
    Array.isArray(list) && list.some((c) => isObj(c) && c[field] === SECRET_MASK);
  if (
    !consumers.some(
      (c) =>
        isObj(c) &&
        (masked(c.keyauth_credentials, "key_hash") ||
          masked(c.basicauth_credentials, "password_hash")),
    )
  ) {
    return doc;
  }
  const [rows, keys, basics] = await Promise.all([
    client.consumer.findMany({ select: { id: true, username: true, customId: true } }),
    client.keyAuthCredential.findMany({ select: { id: true, consumerId: true, keyHash: true } }),
    client.basicAuthCredential.findMany({
      select: { username: true, consumerId: true, passwordHash: true },
    }),
  ]);
  const copy = structuredClone(doc) as Obj;
  const errors: FieldError[] = [];
  (copy.consumers as unknown[]).forEach((c, i) => {
    if (!isObj(c)) return;
    const owner = rows.find(
      (row) =>
        (typeof c.username === "string" && row.username === c.username) ||
        (typeof c.custom_id === "string" && row.customId === c.custom_id) ||
        (typeof c.id === "string" && row.id === c.id),
    );
    const restore = (
      list: unknown,
      name: string,
      field: string,
      stored: (credential: Obj) => string | undefined,
    ) => {
      if (!Array.isArray(list)) return;
      list.forEach((credential, j) => {
        if (!isObj(credential) || credential[field] !== SECRET_MASK) return;
        const value = owner ? stored(credential) : undefined;
        if (value !== undefined) credential[field] = value;
        else
          errors.push({ path: `consumers[${i}].${name}[${j}].${field}`, message: MASKED_MESSAGE });
      });
    };
    restore(
      c.keyauth_credentials,
      "keyauth_credentials",
      "key_hash",
      (k) => keys.find((row) => row.id === k.id && row.consumerId === owner?.id)?.keyHash,
    );
    restore(
      c.basicauth_credentials,
      "basicauth_credentials",
      "password_hash",
      (b) =>
        basics.find((row) => row.username === b.username && row.consumerId === owner?.id)
          ?.passwordHash,
    );
  });
  if (errors.length > 0) throw validationError(errors, "the configuration cannot be imported");
  return copy;
}

/**
 * Validates a document with the data plane's validator. Returns the normalized config, or throws
 * a 400 listing every error (paths into the document).
 */
export function validateDocument(
  doc: unknown,
  options: ImportOptions = { mode: "sync" },
): NormalizedConfig {
  const result = validateDeclarative(doc, { plugins: validationCatalog() });
  if (!result.ok) throw validationError(result.errors, "the configuration is invalid");
  const errors = adminChecks(doc as Obj, result.config, options);
  if (errors.length > 0) throw validationError(errors, "the configuration cannot be imported");
  return result.config;
}

/**
 * Makes the database match `doc` in `tx` (sync: the file is the whole truth; partial: only the
 * file's entities are created/updated; tags: like sync, limited to entities carrying the tags).
 * Entities are matched by natural key (service/route name, consumer username or custom_id, upstream
 * name, upstream + target,
 * plugin name + scope, key hash, basic-auth username, consumer + acl group), else by the document's id.
 * Returns the audit entries of what changed (empty when nothing did).
 */
export async function importDocument(
  tx: Tx,
  doc: unknown,
  options: ImportOptions,
): Promise<AuditEntry[]> {
  doc = await restoreMaskedCertificateKeys(tx, await restoreMaskedCredentials(tx, doc));
  const config = validateDocument(doc, options);
  const [curServices, curRoutes, curTargets, curConsumers, curKeys, curBasics, curPlugins] =
    await Promise.all([
      tx.service.findMany(),
      tx.route.findMany(),
      tx.target.findMany(),
      tx.consumer.findMany(),
      tx.keyAuthCredential.findMany(),
      tx.basicAuthCredential.findMany(),
      tx.plugin.findMany(),
    ]);
  const curJwts = await tx.jwtCredential.findMany();
  const curAcls = await tx.aclGroup.findMany();
  const curUpstreams = await tx.upstream.findMany();
  const [curCertificates, curSnis, curCaCertificates] = await Promise.all([
    tx.certificate.findMany(),
    tx.sni.findMany(),
    tx.caCertificate.findMany(),
  ]);
  const tls = tlsTables(doc, config, {
    certificates: curCertificates,
    snis: curSnis,
    caCertificates: curCaCertificates,
  });

  const index = <T, K>(rows: T[], key: (row: T) => K | null) => {
    const map = new Map<K, T>();
    for (const row of rows) {
      const k = key(row);
      if (k !== null) map.set(k, row);
    }
    return map;
  };
  const serviceByName = index(curServices, (x) => x.name);
  const routeByName = index(curRoutes, (x) => x.name);
  const consumerByUsername = index(curConsumers, (x) => x.username);
  const consumerByCustomId = index(curConsumers, (x) => x.customId);
  const keyByHash = index(curKeys, (x) => x.keyHash);
  const keyById = index(curKeys, (x) => x.id);
  const jwtByKey = index(curJwts, (x) => x.key);
  const basicByUsername = index(curBasics, (x) => x.username);
  const aclByGroup = index(curAcls, (x) => `${x.consumerId} ${x.group}`);
  const pluginById = index(curPlugins, (x) => x.id);
  const pluginByScope = index(
    curPlugins,
    (x) => `${x.name} ${x.serviceId ?? ""} ${x.routeId ?? ""} ${x.consumerId ?? ""}`,
  );

  const serviceIds = new Map<string, string>();
  for (const s of config.services) serviceIds.set(s.id, serviceByName.get(s.name)?.id ?? s.id);
  const desired = desiredUpstreams(doc, config, serviceIds, {
    upstreams: curUpstreams,
    targets: curTargets,
  });
  const services = new Map<string, Obj>();
  for (const s of config.services) {
    const id = serviceIds.get(s.id) as string;
    services.set(id, { id, ...serviceRow(s, desired.ownHost.get(s.id)), ...serviceTlsRow(s, tls) });
  }

  const routeIds = new Map<string, string>();
  const routes = new Map<string, Obj>();
  for (const r of config.routes) {
    const id = (r.name !== null ? routeByName.get(r.name)?.id : undefined) ?? r.id;
    routeIds.set(r.id, id);
    const serviceId = r.service ? (serviceIds.get(r.service.id) ?? null) : null;
    routes.set(id, { id, ...routeRow(r, serviceId) });
  }

  const consumerIds = new Map<string, string>();
  const consumers = new Map<string, Obj>();
  const keys = new Map<string, Obj>();
  const basics = new Map<string, Obj>();
  const jwts = new Map<string, Obj>();
  const acls = new Map<string, Obj>();
  const maskErrors: FieldError[] = [];
  for (const c of config.consumers) {
    const id =
      (c.username !== null ? consumerByUsername.get(c.username)?.id : undefined) ??
      (c.customId !== null ? consumerByCustomId.get(c.customId)?.id : undefined) ??
      c.id;
    consumerIds.set(c.id, id);
    consumers.set(id, { id, username: c.username, customId: c.customId, tags: c.tags });
    for (const k of c.keyauthCredentials) {
      const keyHash = k.keyHash ?? hashApiKey(k.key as string, keyHashSecret());
      const kid = keyByHash.get(keyHash)?.id ?? k.id;
      const prefix = keyById.get(kid)?.keyPrefix ?? (k.key ? k.key.slice(0, 4) : "");
      keys.set(kid, { id: kid, consumerId: id, keyHash, keyPrefix: prefix, tags: k.tags });
    }
    for (const j of c.jwtSecrets) {
      const existing = jwtByKey.get(j.key);
      const hs = isHmacAlgorithm(j.algorithm);
      let secretEncrypted: string | null = null;
      if (hs && j.secret === SECRET_MASK) {
        // only the owner's own stored secret: a mask never moves a secret to another consumer
        if (existing?.secretEncrypted && existing.consumerId === id)
          secretEncrypted = existing.secretEncrypted;
        else {
          maskErrors.push({
            path: `consumers[${config.consumers.indexOf(c)}].jwt_secrets[${c.jwtSecrets.indexOf(j)}].secret`,
            message: MASKED_MESSAGE,
          });
        }
      } else if (hs && j.secret !== null) {
        // Encryption is randomized: keep the stored ciphertext when it holds the same secret.
        const key = jwtSecretKey();
        const same =
          existing?.secretEncrypted &&
          key !== undefined &&
          safeDecrypt(existing.secretEncrypted, key) === j.secret;
        secretEncrypted = same ? (existing?.secretEncrypted ?? null) : encryptJwtSecret(j.secret);
      }
      const jid = existing?.id ?? j.id;
      jwts.set(jid, {
        id: jid,
        consumerId: id,
        key: j.key,
        algorithm: j.algorithm,
        secretEncrypted,
        rsaPublicKey: hs ? null : j.rsaPublicKey,
        tags: j.tags,
      });
    }
    for (const b of c.basicauthCredentials) {
      const existing = basicByUsername.get(b.username);
      let passwordHash = b.passwordHash;
      if (passwordHash === null) {
        const same =
          existing && (await verifyPassword(b.password as string, existing.passwordHash));
        passwordHash = same ? existing.passwordHash : await hashPassword(b.password as string);
      }
      const bid = existing?.id ?? b.id;
      basics.set(bid, {
        id: bid,
        consumerId: id,
        username: b.username,
        passwordHash,
        tags: b.tags,
      });
    }
    for (const a of c.acls) {
      const aid = aclByGroup.get(`${id} ${a.group}`)?.id ?? a.id;
      acls.set(aid, { id: aid, consumerId: id, group: a.group, tags: a.tags });
    }
  }

  const plugins = new Map<string, Obj>();
  for (const p of config.plugins) {
    const serviceId = p.serviceId ? (serviceIds.get(p.serviceId) ?? null) : null;
    const routeId = p.routeId ? (routeIds.get(p.routeId) ?? null) : null;
    const consumerId = p.consumerId ? (consumerIds.get(p.consumerId) ?? null) : null;
    const id =
      pluginByScope.get(`${p.name} ${serviceId ?? ""} ${routeId ?? ""} ${consumerId ?? ""}`)?.id ??
      p.id;
    const raw = at(doc, p.source);
    // A masked secret (from an export without include_secrets) keeps the stored value.
    const sealed = pluginById.get(id)?.name === p.name ? pluginById.get(id)?.config : undefined;
    const stored = openStoredSecrets(sealed) as Record<string, unknown> | undefined;
    const given =
      options.verbatimPluginConfigs && typeof raw.config === "object" && raw.config !== null
        ? (raw.config as Record<string, unknown>)
        : p.config;
    const unmasked = unmaskPluginConfig(p.name, given, stored);
    for (const field of maskedSecretFields(p.name, unmasked)) {
      maskErrors.push({
        path: `${p.source}.config.${field}`,
        message: MASKED_MESSAGE,
      });
    }
    // stored sealed; an unchanged secret keeps its ciphertext (the row is then unchanged)
    const config = sealPluginConfig(
      p.name,
      unmasked,
      () => requireSecretKey("plugin secrets"),
      sealed,
    );
    plugins.set(id, {
      id,
      name: p.name,
      instanceName: typeof raw.instance_name === "string" ? raw.instance_name : null,
      config,
      enabled: p.enabled,
      serviceId,
      routeId,
      consumerId,
      protocols: p.protocols,
      tags: p.tags,
    });
  }

  if (maskErrors.length > 0)
    throw validationError(maskErrors, "the configuration cannot be imported");

  const tables: Table[] = [
    { type: "certificate", delegate: (t) => t.certificate as never, desired: tls.certificates },
    { type: "sni", delegate: (t) => t.sni as never, desired: tls.snis },
    {
      type: "ca_certificate",
      delegate: (t) => t.caCertificate as never,
      desired: tls.caCertificates,
    },
    { type: "service", delegate: (t) => t.service as never, desired: services },
    { type: "consumer", delegate: (t) => t.consumer as never, desired: consumers },
    { type: "route", delegate: (t) => t.route as never, desired: routes },
    { type: "upstream", delegate: (t) => t.upstream as never, desired: desired.upstreams },
    { type: "target", delegate: (t) => t.target as never, desired: desired.targets },
    { type: "keyauth_credential", delegate: (t) => t.keyAuthCredential as never, desired: keys },
    {
      type: "basicauth_credential",
      delegate: (t) => t.basicAuthCredential as never,
      desired: basics,
    },
    { type: "jwt_secret", delegate: (t) => t.jwtCredential as never, desired: jwts },
    { type: "acl", delegate: (t) => t.aclGroup as never, desired: acls },
    { type: "plugin", delegate: (t) => t.plugin as never, desired: plugins },
  ];
  const current: Record<string, Row[]> = {
    certificate: curCertificates as unknown as Row[],
    sni: curSnis as unknown as Row[],
    ca_certificate: curCaCertificates as unknown as Row[],
    service: curServices as unknown as Row[],
    consumer: curConsumers as unknown as Row[],
    route: curRoutes as unknown as Row[],
    upstream: curUpstreams as unknown as Row[],
    target: curTargets as unknown as Row[],
    keyauth_credential: curKeys as unknown as Row[],
    basicauth_credential: curBasics as unknown as Row[],
    plugin: curPlugins as unknown as Row[],
    jwt_secret: curJwts as unknown as Row[],
    acl: curAcls as unknown as Row[],
  };

  const audit: AuditEntry[] = [];
  const managed = (row: Row) =>
    options.mode === "sync" ||
    (options.mode === "tags" && row.tags.some((t) => (options.tags ?? []).includes(t)));

  // Deletes: children first, in batches (a cascade may already have removed some rows).
  for (const table of [...tables].reverse()) {
    if (options.mode === "partial") break;
    const gone = (current[table.type] ?? []).filter(
      (row) => !table.desired.has(row.id) && managed(row),
    );
    for (const chunk of chunks(gone, BATCH)) {
      await table.delegate(tx).deleteMany({ where: { id: { in: chunk.map((row) => row.id) } } });
    }
    for (const row of gone) {
      audit.push({
        action: "delete",
        entityType: table.type,
        entityId: row.id,
        before: publicView(table.type, row),
      });
    }
  }
  // Updates, then creates (in batches): parents first.
  for (const table of tables) {
    const byId = new Map((current[table.type] ?? []).map((r) => [r.id, r]));
    const created: Obj[] = [];
    for (const [id, data] of table.desired) {
      const existing = byId.get(id);
      if (!existing) {
        created.push(data);
        continue;
      }
      const changed = Object.keys(data).some(
        (k) => canonicalJson(existing[k] ?? null) !== canonicalJson(data[k] ?? null),
      );
      if (!changed) continue;
      await table
        .delegate(tx)
        .update({ where: { id }, data: { ...data, version: { increment: 1 } } });
      audit.push({
        action: "update",
        entityType: table.type,
        entityId: id,
        before: publicView(table.type, existing),
        after: publicView(table.type, data),
      });
    }
    for (const chunk of chunks(created, BATCH)) {
      await table.delegate(tx).createMany({ data: chunk as Prisma.InputJsonObject[] });
    }
    for (const data of created) {
      audit.push({
        action: "create",
        entityType: table.type,
        entityId: String(data.id),
        after: publicView(table.type, data),
      });
    }
  }
  return audit;
}

/** What the audit log keeps of an imported row: no hashes, plugin secrets masked. */
function publicView(type: string, row: Obj): Obj {
  const {
    keyHash: _k,
    passwordHash: _p,
    secretEncrypted: _s,
    keyEncrypted: _ke,
    keyAltEncrypted: _ka,
    createdAt: _c,
    updatedAt: _u,
    ...rest
  } = row;
  if (type === "plugin") rest.config = maskPluginConfig(String(row.name), row.config);
  return rest;
}

function safeDecrypt(encrypted: string, key: string): string | undefined {
  try {
    return decryptSecret(encrypted, key);
  } catch {
    return undefined;
  }
}
