// The database as a declarative document (Kong decK shape, `_format_version: "3.0"`): what the
// admin exports, what the control plane pushes to data planes, what the gateway loads from a file.
// The document types (ExportedDocument) are @gatehouse/config's, checked there against its schema.
import type {
  ExportedConsumer,
  ExportedDocument,
  ExportedPlugin,
  ExportedRef,
  ExportedRoute,
  ExportedService,
} from "@gatehouse/config";
import { decryptSecret } from "./auth.js";
import { openValue, sealedOf } from "./sealed.js";
import type { SealedSpot } from "./sealed.js";
import { exportUpstreams } from "./export-upstreams.js";
export { ownUpstreamName } from "./export-upstreams.js";
import {
  exportCaCertificates,
  exportCertificates,
  routeRedirectField,
  serviceTlsFields,
} from "./export-tls.js";
import type { PrismaClient } from "./generated/prisma/client.js";

/** Columns hold what the admin validated on write (the schema's enums), as plain strings. */
type JwtAlgorithm = NonNullable<ExportedConsumer["jwt_secrets"]>[number]["algorithm"];

export interface ExportOptions {
  /**
   * Server secret that encrypted the jwt HS256 secrets (`JwtCredential.secretEncrypted`) and the
   * certificates' private keys. When given, `jwt_secrets[].secret` and `certificates[].key` carry
   * the decrypted secrets (needed by data planes); when not, they are left out (a file for humans;
   * certificates are then left out altogether).
   */
  secretKey?: string | Buffer;
  /**
   * With `secretKey`: every secret the document holds in clear is recorded here with its sealed
   * form (withSealedSpots then serializes the document as stored, secrets sealed). Plugin
   * secrets are stored sealed (see sealed.ts): opened with `secretKey`, left sealed without it.
   */
  sealedSpots?: SealedSpot[];
}

/** A PrismaClient, or the client of an interactive transaction. */
export type ExportClient = Pick<
  PrismaClient,
  | "service"
  | "upstream"
  | "target"
  | "route"
  | "plugin"
  | "consumer"
  | "keyAuthCredential"
  | "basicAuthCredential"
  | "jwtCredential"
  | "aclGroup"
  | "setting"
  | "certificate"
  | "sni"
  | "caCertificate"
> &
  Partial<Pick<PrismaClient, "$transaction">>;

interface Named {
  id: string;
  name?: string | null;
}

/** Code-point order (never locale-dependent: the document's hash must not depend on the machine). */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: Named, b: Named) => compare(a.name ?? "", b.name ?? "") || compare(a.id, b.id);

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) list.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * Reads the whole configuration and shapes it. With a PrismaClient the reads run in one
 * REPEATABLE READ transaction (a consistent snapshot); with a transaction client, in that transaction.
 * Entities are sorted (by name, then id) so equal configurations give equal documents and hashes.
 */
export async function exportDeclarative(
  prisma: ExportClient,
  options: ExportOptions = {},
): Promise<ExportedDocument> {
  return shapeExport(await readExportRows(prisma), options);
}

/** The rows of every table the export reads, as `readExportRows` returns them. */
export type ExportRows = Awaited<ReturnType<typeof readExportRows>>;

/** The rows the export is made of (see exportDeclarative); shapeExport makes the document. */
export async function readExportRows(prisma: ExportClient) {
  // Plain findMany calls (no `include`): Prisma runs relation loads in parallel, which a
  // transaction's single connection does not support well.
  const queries = [
    prisma.service.findMany(),
    prisma.target.findMany(),
    prisma.route.findMany(),
    prisma.plugin.findMany(),
    prisma.consumer.findMany(),
    prisma.keyAuthCredential.findMany(),
    prisma.basicAuthCredential.findMany(),
    prisma.jwtCredential.findMany(),
    prisma.aclGroup.findMany(),
    prisma.setting.findMany({ where: { key: UPSTREAM_DENY_SETTING } }),
    prisma.upstream.findMany(),
    prisma.certificate.findMany(),
    prisma.sni.findMany(),
    prisma.caCertificate.findMany(),
  ] as const;
  if (prisma.$transaction) {
    return prisma.$transaction([...queries], { isolationLevel: "RepeatableRead" });
  }
  return [
    await queries[0],
    await queries[1],
    await queries[2],
    await queries[3],
    await queries[4],
    await queries[5],
    await queries[6],
    await queries[7],
    await queries[8],
    await queries[9],
    await queries[10],
    await queries[11],
    await queries[12],
    await queries[13],
  ] as const;
}

/** Index of the Route rows in ExportRows (versions.ts patches them), and of the Plugin rows. */
export const ROUTE_ROWS = 2;
export const PLUGIN_ROWS = 3;

/** The declarative document of `rows` (pure: the same rows give the same document). */
export function shapeExport(rows: ExportRows, options: ExportOptions = {}): ExportedDocument {
  const [
    services,
    targets,
    routes,
    plugins,
    consumerRows,
    keyAuth,
    basicAuth,
    jwt,
    acls,
    deny,
    upstreamRows,
  ] = rows;
  const [certificates, snis, caCertificates] = [rows[11], rows[12], rows[13]];
  const keyAuthByConsumer = groupBy(keyAuth, (row) => row.consumerId);
  const basicAuthByConsumer = groupBy(basicAuth, (row) => row.consumerId);
  const jwtByConsumer = groupBy(jwt, (row) => row.consumerId);
  const aclsByConsumer = groupBy(acls, (row) => row.consumerId);
  const consumers = consumerRows.map((consumer) => ({
    ...consumer,
    keyAuthCredentials: keyAuthByConsumer.get(consumer.id) ?? [],
    basicAuthCredentials: basicAuthByConsumer.get(consumer.id) ?? [],
    jwtCredentials: jwtByConsumer.get(consumer.id) ?? [],
    aclGroups: aclsByConsumer.get(consumer.id) ?? [],
  }));

  const serviceRef = new Map(services.map((s) => [s.id, s.name as ExportedRef]));
  const consumerRef = new Map(consumers.map((c) => [c.id, c.username ?? { id: c.id }]));

  const pluginsByRoute = new Map<string, ExportedPlugin[]>();
  const pluginsByService = new Map<string, ExportedPlugin[]>();
  const pluginsByConsumer = new Map<string, ExportedPlugin[]>();
  const globalPlugins: ExportedPlugin[] = [];
  const push = (map: Map<string, ExportedPlugin[]>, key: string, entry: ExportedPlugin) => {
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  };

  for (const plugin of [...plugins].sort(byName)) {
    const entry: ExportedPlugin = {
      id: plugin.id,
      name: plugin.name,
      ...(plugin.instanceName ? { instance_name: plugin.instanceName } : {}),
      config: (options.secretKey === undefined
        ? (plugin.config ?? {})
        : openValue(plugin.config ?? {}, options.secretKey, options.sealedSpots)) as Record<
        string,
        unknown
      >,
      enabled: plugin.enabled,
      protocols: plugin.protocols as ExportedPlugin["protocols"],
      tags: plugin.tags,
    };
    // Nest under the most specific entity; name the other scopes as references.
    if (plugin.routeId) {
      if (plugin.serviceId) entry.service = ref(serviceRef, plugin.serviceId);
      if (plugin.consumerId) entry.consumer = ref(consumerRef, plugin.consumerId);
      push(pluginsByRoute, plugin.routeId, entry);
    } else if (plugin.serviceId) {
      if (plugin.consumerId) entry.consumer = ref(consumerRef, plugin.consumerId);
      push(pluginsByService, plugin.serviceId, entry);
    } else if (plugin.consumerId) {
      push(pluginsByConsumer, plugin.consumerId, entry);
    } else {
      globalPlugins.push(entry);
    }
  }

  const routeEntry = (route: (typeof routes)[number], nested: boolean): ExportedRoute => {
    const headers = (route.headers ?? {}) as Record<string, string[]>;
    const routePlugins = pluginsByRoute.get(route.id);
    return {
      id: route.id,
      ...(route.name ? { name: route.name } : {}),
      ...(!nested && route.serviceId ? { service: ref(serviceRef, route.serviceId) } : {}),
      protocols: route.protocols as ExportedRoute["protocols"],
      ...(route.methods.length ? { methods: route.methods } : {}),
      ...(route.hosts.length ? { hosts: route.hosts } : {}),
      ...(route.paths.length ? { paths: route.paths } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      strip_path: route.stripPath,
      preserve_host: route.preserveHost,
      regex_priority: route.regexPriority,
      ...routeRedirectField(route),
      tags: route.tags,
      ...(routePlugins ? { plugins: routePlugins } : {}),
    };
  };

  const routesByService = new Map<string, ExportedRoute[]>();
  const topRoutes: ExportedRoute[] = [];
  for (const route of [...routes].sort(byName)) {
    if (route.serviceId) {
      const list = routesByService.get(route.serviceId) ?? [];
      list.push(routeEntry(route, true));
      routesByService.set(route.serviceId, list);
    } else {
      topRoutes.push(routeEntry(route, false));
    }
  }

  const sortedServices = [...services].sort(byName);
  const { upstreams, upstreamOf } = exportUpstreams(upstreamRows, targets, services);
  const serviceEntries: ExportedService[] = sortedServices.map((service) => {
    const serviceRoutes = routesByService.get(service.id);
    const servicePlugins = pluginsByService.get(service.id);
    return {
      id: service.id,
      name: service.name,
      protocol: service.protocol,
      host: upstreamOf.get(service.id) ?? service.host,
      port: service.port,
      ...(service.path ? { path: service.path } : {}),
      connect_timeout: service.connectTimeout,
      read_timeout: service.readTimeout,
      write_timeout: service.writeTimeout,
      retries: service.retries,
      ...serviceTlsFields(service),
      tags: service.tags,
      ...(serviceRoutes ? { routes: serviceRoutes } : {}),
      ...(servicePlugins ? { plugins: servicePlugins } : {}),
    };
  });

  const consumerEntries: ExportedConsumer[] = [...consumers]
    .sort(
      (a, b) =>
        compare(a.username ?? a.customId ?? "", b.username ?? b.customId ?? "") ||
        compare(a.id, b.id),
    )
    .map((consumer) => {
      const consumerPlugins = pluginsByConsumer.get(consumer.id);
      const byId = <T extends { id: string }>(list: T[]) =>
        [...list].sort((a, b) => compare(a.id, b.id));
      return {
        id: consumer.id,
        ...(consumer.username ? { username: consumer.username } : {}),
        ...(consumer.customId ? { custom_id: consumer.customId } : {}),
        tags: consumer.tags,
        ...(consumer.keyAuthCredentials.length
          ? {
              keyauth_credentials: byId(consumer.keyAuthCredentials).map((c) => ({
                id: c.id,
                key_hash: c.keyHash,
                tags: c.tags,
              })),
            }
          : {}),
        ...(consumer.basicAuthCredentials.length
          ? {
              basicauth_credentials: byId(consumer.basicAuthCredentials).map((c) => ({
                id: c.id,
                username: c.username,
                password_hash: c.passwordHash,
                tags: c.tags,
              })),
            }
          : {}),
        ...(consumer.jwtCredentials.length
          ? {
              jwt_secrets: byId(consumer.jwtCredentials).map((c) => {
                const entry = {
                  id: c.id,
                  key: c.key,
                  algorithm: c.algorithm as JwtAlgorithm,
                  ...(c.secretEncrypted && options.secretKey !== undefined
                    ? { secret: decryptSecret(c.secretEncrypted, options.secretKey) }
                    : {}),
                  ...(c.rsaPublicKey ? { rsa_public_key: c.rsaPublicKey } : {}),
                  tags: c.tags,
                };
                if (entry.secret !== undefined && c.secretEncrypted) {
                  options.sealedSpots?.push({
                    parent: entry,
                    key: "secret",
                    sealed: sealedOf(c.secretEncrypted),
                  });
                }
                return entry;
              }),
            }
          : {}),
        ...(consumer.aclGroups.length
          ? {
              acls: [...consumer.aclGroups]
                .sort((a, b) => compare(a.group, b.group))
                .map((a) => ({ group: a.group, tags: a.tags })),
            }
          : {}),
        ...(consumerPlugins ? { plugins: consumerPlugins } : {}),
      };
    });

  return {
    _format_version: "3.0",
    services: serviceEntries,
    routes: topRoutes,
    consumers: consumerEntries,
    upstreams,
    ...exportCertificates(certificates, snis, options.secretKey, options.sealedSpots),
    ...exportCaCertificates(caCertificates),
    plugins: globalPlugins,
    ...upstreamDenyOf(deny[0]?.value),
  };
}

/** The Setting key of the upstream deny list (an array of rules, see @gatehouse/config). */
export const UPSTREAM_DENY_SETTING = "upstream_deny";

function upstreamDenyOf(value: unknown): { upstream_deny?: string[] } {
  return Array.isArray(value) ? { upstream_deny: value.map(String) } : {};
}

function ref(map: Map<string, ExportedRef>, id: string): ExportedRef {
  return map.get(id) ?? { id };
}

/**
 * The declarative export as seen INSIDE interactive transaction `tx` (its uncommitted changes
 * included). `$transaction` is hidden: given a client that has it (Prisma's transaction clients
 * do), exportDeclarative opens a separate transaction and would read the committed state instead.
 */
export function exportInTransaction(
  tx: ExportClient,
  options: ExportOptions = {},
): Promise<ExportedDocument> {
  return exportDeclarative(withoutTransaction(tx), options);
}

/** `tx` without `$transaction`: exportDeclarative / readExportRows then read inside `tx`. */
export function withoutTransaction(tx: ExportClient): ExportClient {
  return new Proxy(tx, {
    get: (target, key, receiver) =>
      key === "$transaction" ? undefined : (Reflect.get(target, key, receiver) as unknown),
  });
}
