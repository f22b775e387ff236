import { KONG_SHA1_HEX, kongBasicAuthHash } from "@gatehouse/secrets";
import { fromZodIssues, joinPath } from "./errors.js";
import { stableId } from "./ids.js";
import { DEFAULT_JWT_ALGORITHM, isHmacAlgorithm, JWT_ALGORITHMS } from "./jwt-algorithms.js";
import { jwtPublicKeyProblem } from "./jwt-keys.js";
import { ERR_NO_MATCHER, hasMatcher } from "./routes.js";
import { documentSchemaFastRoutes } from "./fast-routes.js";
import { checkUpstreamFields, checkUpstreamSharing, normalizeUpstream } from "./upstreams.js";
import {
  checkCertificates,
  normalizeCaCertificates,
  normalizeCertificates,
  serviceTls,
} from "./certificates.js";
import type { DeclarativeDocument, PluginDoc, Ref, RouteDoc, ServiceDoc } from "./schema.js";
import type {
  ConfigError,
  NormalizedConfig,
  NormalizedConsumer,
  NormalizedPlugin,
  NormalizedRoute,
  NormalizedService,
  NormalizedUpstream,
  PluginCatalog,
  ValidationResult,
} from "./types.js";

export interface ValidateOptions {
  /** the plugin set installed on this data plane */
  plugins: PluginCatalog;
}

// ---------- helpers over the raw (not yet schema-checked) document ----------

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

function refKey(ref: unknown): { by: "name" | "id"; value: string } | undefined {
  if (typeof ref === "string" && ref !== "") return { by: "name", value: ref };
  if (isObj(ref)) {
    if (typeof ref.name === "string") return { by: "name", value: ref.name };
    if (typeof ref.id === "string") return { by: "id", value: ref.id };
  }
  return undefined;
}

const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;

export interface ParsedUrl {
  protocol: "http" | "https";
  host: string;
  port: number;
  path: string | null;
}

/** Parse a service `url`; returns a reason string when it is not usable. */
export function parseServiceUrl(url: string): ParsedUrl | string {
  const m = URL_RE.exec(url);
  if (!m) return 'must be an absolute URL like "http://host:port/path"';
  const scheme = (m[1] ?? "").toLowerCase();
  if (scheme !== "http" && scheme !== "https") return 'protocol must be "http" or "https"';
  if ((m[2] ?? "").includes("@")) return "must not contain credentials";
  if (m[4] !== undefined || m[5] !== undefined) return "must not contain a query or fragment";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "is not a valid URL";
  }
  if (parsed.hostname === "") return "must name a host";
  const protocol = scheme;
  const port = parsed.port === "" ? (protocol === "https" ? 443 : 80) : Number(parsed.port);
  return { protocol, host: parsed.hostname, port, path: m[3] ?? null };
}

/** `host:port`, `[v6]:port`, or `host` (port 8000, like Kong). */
export function parseTarget(target: string): { host: string; port: number } | string {
  let host: string;
  let port: string | undefined;
  if (target.startsWith("[")) {
    const end = target.indexOf("]");
    if (end < 0) return 'must be "host:port"';
    host = target.slice(1, end);
    const rest = target.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return 'must be "host:port"';
    port = rest === "" ? undefined : rest.slice(1);
  } else {
    const parts = target.split(":");
    if (parts.length > 2) return 'must be "host:port" (write IPv6 addresses as "[addr]:port")';
    host = parts[0] ?? "";
    port = parts[1];
  }
  if (host === "" || !/^[A-Za-z0-9_.:-]+$/.test(host)) return "must name a valid host";
  if (port === undefined) return { host, port: 8000 };
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return "port must be between 1 and 65535";
  }
  return { host, port: Number(port) };
}

interface RouteSite {
  raw: Raw;
  service: number;
  index: number;
}

interface PluginSite {
  raw: unknown;
  path: string;
  parent: "service" | "route" | "consumer" | null;
  parentKey: string | null; // id of the parent entity (raw key, resolved later)
}

/**
 * Cross-reference and semantic checks on the raw document. Works defensively on
 * partially invalid input so that every error is reported in one pass.
 */
function crossCheck(
  doc: Raw,
  catalog: PluginCatalog,
  pluginConfigs: Map<string, Record<string, unknown>>,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const err = (path: string, message: string): void => {
    errors.push({ path, message });
  };

  const serviceNames = new Map<string, string>();
  const serviceIds = new Set<string>();
  // route name / id -> index in routeSites (paths are built only for a duplicate's message)
  const routeNames = new Map<string, number>();
  const routeIds = new Map<string, number>();
  const consumerNames = new Map<string, string>();
  const consumerCustomIds = new Map<string, string>();
  const consumerIds = new Set<string>();
  const upstreamNames = new Map<string, string>();
  const keys = new Map<string, string>();
  const jwtKeys = new Map<string, string>();
  const basicUsers = new Map<string, string>();
  const pluginSites: PluginSite[] = [];
  // where each route is declared: services[service].routes[index], or routes[index] (service -1)
  const routeSites: RouteSite[] = [];
  const sitePath = (site: RouteSite): string =>
    site.service < 0 ? `routes[${site.index}]` : `services[${site.service}].routes[${site.index}]`;

  const unique = (
    map: Map<string, string>,
    value: string | undefined,
    path: string,
    what: string,
  ): void => {
    if (value === undefined) return;
    const prev = map.get(value);
    if (prev !== undefined)
      err(path, `duplicate ${what} ${JSON.stringify(value)} (also at ${prev})`);
    else map.set(value, path);
  };

  arr(doc.services).forEach((s, i) => {
    if (!isObj(s)) return;
    const base = `services[${i}]`;
    unique(serviceNames, str(s.name), `${base}.name`, "service name");
    if (str(s.id)) serviceIds.add(s.id as string);
    const hasUrl = s.url !== undefined;
    const hasParts =
      s.host !== undefined ||
      s.protocol !== undefined ||
      s.port !== undefined ||
      s.path !== undefined;
    if (hasUrl && hasParts)
      err(`${base}.url`, 'use either "url" or "protocol"/"host"/"port"/"path", not both');
    else if (hasUrl && typeof s.url === "string") {
      const u = parseServiceUrl(s.url);
      if (typeof u === "string") err(`${base}.url`, u);
    } else if (hasUrl) err(`${base}.url`, `must be a string`);
    else if (s.host === undefined) err(`${base}.host`, 'is required (or set "url")');
    arr(s.routes).forEach((r, j) => {
      if (isObj(r)) routeSites.push({ raw: r, service: i, index: j });
    });
    arr(s.plugins).forEach((p, j) => {
      pluginSites.push({
        raw: p,
        path: `${base}.plugins[${j}]`,
        parent: "service",
        parentKey: str(s.name) ?? null,
      });
    });
    arr(s.routes).forEach((r, j) => {
      if (!isObj(r)) return;
      arr(r.plugins).forEach((p, k) => {
        pluginSites.push({
          raw: p,
          path: `${base}.routes[${j}].plugins[${k}]`,
          parent: "route",
          parentKey: str(r.name) ?? `${base}.routes[${j}]`,
        });
      });
    });
  });

  arr(doc.routes).forEach((r, i) => {
    if (!isObj(r)) return;
    routeSites.push({ raw: r, service: -1, index: i });
    arr(r.plugins).forEach((p, k) => {
      pluginSites.push({
        raw: p,
        path: `routes[${i}].plugins[${k}]`,
        parent: "route",
        parentKey: str(r.name) ?? `routes[${i}]`,
      });
    });
  });

  const uniqueRoute = (
    map: Map<string, number>,
    value: string | undefined,
    at: number,
    field: string,
  ): void => {
    if (value === undefined) return;
    const prev = map.get(value);
    if (prev === undefined) {
      map.set(value, at);
      return;
    }
    const path = sitePath(routeSites[at] as RouteSite);
    const prevPath = sitePath(routeSites[prev] as RouteSite);
    err(
      `${path}.${field}`,
      `duplicate route ${field} ${JSON.stringify(value)} (also at ${prevPath}.${field})`,
    );
  };
  for (let at = 0; at < routeSites.length; at++) {
    const site = routeSites[at] as RouteSite;
    const r = site.raw;
    uniqueRoute(routeNames, str(r.name), at, "name");
    uniqueRoute(routeIds, str(r.id), at, "id");
    // the values of the matcher fields are checked by the schema, with the route rules (routes.ts)
    if (!hasMatcher(r)) err(sitePath(site), ERR_NO_MATCHER);
    if (site.service < 0 && r.service !== undefined) {
      const ref = refKey(r.service);
      if (ref) {
        const known = ref.by === "name" ? serviceNames.has(ref.value) : serviceIds.has(ref.value);
        if (!known) {
          err(`${sitePath(site)}.service`, `unknown service ${JSON.stringify(ref.value)}`);
        }
      }
    }
  }

  arr(doc.consumers).forEach((c, i) => {
    if (!isObj(c)) return;
    const base = `consumers[${i}]`;
    if (c.username === undefined && c.custom_id === undefined)
      err(base, 'must set "username" or "custom_id"');
    unique(consumerNames, str(c.username), `${base}.username`, "consumer username");
    unique(consumerCustomIds, str(c.custom_id), `${base}.custom_id`, "consumer custom_id");
    if (str(c.id)) consumerIds.add(c.id as string);
    arr(c.keyauth_credentials).forEach((k, j) => {
      if (!isObj(k)) return;
      const p = `${base}.keyauth_credentials[${j}]`;
      if ((k.key === undefined) === (k.key_hash === undefined))
        err(p, 'must set exactly one of "key" or "key_hash"');
      const prevK = typeof k.key === "string" ? keys.get(`k:${k.key}`) : undefined;
      if (prevK !== undefined) err(`${p}.key`, `duplicate key (also at ${prevK})`);
      else if (typeof k.key === "string") keys.set(`k:${k.key}`, p);
      const prevH = typeof k.key_hash === "string" ? keys.get(`h:${k.key_hash}`) : undefined;
      if (prevH !== undefined) err(`${p}.key_hash`, `duplicate key (also at ${prevH})`);
      else if (typeof k.key_hash === "string") keys.set(`h:${k.key_hash}`, p);
    });
    arr(c.basicauth_credentials).forEach((b, j) => {
      if (!isObj(b)) return;
      const p = `${base}.basicauth_credentials[${j}]`;
      unique(basicUsers, str(b.username), `${p}.username`, "basic-auth username");
      if ((b.password === undefined) === (b.password_hash === undefined)) {
        err(p, 'must set exactly one of "password" or "password_hash"');
      } else if (doc._transform === false && b.password !== undefined) {
        // decK `_transform: false`: `password` is what Kong stored, SHA1(password .. consumer id) in hex
        if (typeof b.password !== "string" || !KONG_SHA1_HEX.test(b.password)) {
          err(
            `${p}.password`,
            "with _transform: false, must be Kong's stored hash (40 hex characters, SHA1 of password and consumer id)",
          );
        }
        if (!str(c.id)) {
          err(
            `${base}.id`,
            "is required with _transform: false: Kong salts basic-auth password hashes with the consumer id",
          );
        }
      }
    });
    const groups = new Map<string, string>();
    arr(c.acls).forEach((a, j) => {
      if (isObj(a)) unique(groups, str(a.group), `${base}.acls[${j}].group`, "acl group");
    });
    arr(c.jwt_secrets).forEach((s, j) => {
      if (!isObj(s)) return;
      const p = `${base}.jwt_secrets[${j}]`;
      unique(jwtKeys, str(s.key), `${p}.key`, "jwt key");
      const alg = typeof s.algorithm === "string" ? s.algorithm : DEFAULT_JWT_ALGORITHM;
      if (isHmacAlgorithm(alg)) {
        if (s.secret === undefined) err(`${p}.secret`, `is required for ${alg}`);
      } else if (s.rsa_public_key === undefined) {
        err(`${p}.rsa_public_key`, `is required for ${alg}`);
      } else if (
        typeof s.rsa_public_key === "string" &&
        (JWT_ALGORITHMS as readonly string[]).includes(alg)
      ) {
        const problem = jwtPublicKeyProblem(alg, s.rsa_public_key);
        if (problem) err(`${p}.rsa_public_key`, problem);
      }
    });
    arr(c.plugins).forEach((p, j) => {
      pluginSites.push({
        raw: p,
        path: `${base}.plugins[${j}]`,
        parent: "consumer",
        parentKey: str(c.username) ?? str(c.custom_id) ?? base,
      });
    });
  });

  arr(doc.upstreams).forEach((u, i) => {
    if (!isObj(u)) return;
    const base = `upstreams[${i}]`;
    unique(upstreamNames, str(u.name), `${base}.name`, "upstream name");
    errors.push(...checkUpstreamFields(u, base));
    const targets = new Map<string, string>();
    arr(u.targets).forEach((t, j) => {
      if (!isObj(t) || typeof t.target !== "string") return;
      const p = `${base}.targets[${j}].target`;
      const parsed = parseTarget(t.target);
      if (typeof parsed === "string") err(p, parsed);
      else unique(targets, `${parsed.host}:${parsed.port}`, p, "target");
    });
  });
  errors.push(...checkUpstreamSharing(doc));
  errors.push(...checkCertificates(doc));

  arr(doc.plugins).forEach((p, i) => {
    pluginSites.push({ raw: p, path: `plugins[${i}]`, parent: null, parentKey: null });
  });

  const scopes = new Map<string, string>();
  for (const site of pluginSites) {
    const p = site.raw;
    if (!isObj(p)) continue;
    const refs: Record<"service" | "route" | "consumer", string | null> = {
      service: null,
      route: null,
      consumer: null,
    };
    if (site.parent) refs[site.parent] = site.parentKey;
    for (const kind of ["service", "route", "consumer"] as const) {
      if (p[kind] === undefined) continue;
      if (site.parent === kind) {
        err(`${site.path}.${kind}`, `not allowed in a plugin nested under a ${kind}`);
        continue;
      }
      const ref = refKey(p[kind]);
      if (!ref) continue;
      let known: boolean;
      if (kind === "service")
        known = ref.by === "name" ? serviceNames.has(ref.value) : serviceIds.has(ref.value);
      else if (kind === "route")
        known = ref.by === "name" ? routeNames.has(ref.value) : routeIds.has(ref.value);
      else
        known =
          ref.by === "name"
            ? consumerNames.has(ref.value) || consumerCustomIds.has(ref.value)
            : consumerIds.has(ref.value);
      if (!known) err(`${site.path}.${kind}`, `unknown ${kind} ${JSON.stringify(ref.value)}`);
      refs[kind] = `${ref.by}:${ref.value}`;
    }
    const name = str(p.name);
    if (name === undefined) continue;
    if (!catalog.has(name)) {
      err(
        `${site.path}.name`,
        `plugin ${JSON.stringify(name)} is not installed on this data plane`,
      );
      continue;
    }
    const scopeKey = `${name}|${refs.service ?? ""}|${refs.route ?? ""}|${refs.consumer ?? ""}`;
    const prev = scopes.get(scopeKey);
    if (prev !== undefined) {
      err(
        site.path,
        `plugin ${JSON.stringify(name)} is configured twice for the same scope (also at ${prev})`,
      );
    } else scopes.set(scopeKey, site.path);
    const config = p.config === undefined ? {} : p.config;
    if (!isObj(config)) continue; // the schema reports it
    const result = catalog.validate(name, config);
    if (result.ok) pluginConfigs.set(site.path, result.config);
    else {
      for (const e of result.errors)
        errors.push({ path: joinPath(`${site.path}.config`, e.path), message: e.message });
    }
  }
  return errors;
}

// ---------- normalization (only runs on a fully valid document) ----------

function normalize(
  doc: DeclarativeDocument,
  pluginConfigs: Map<string, Record<string, unknown>>,
): NormalizedConfig {
  const upstreams: NormalizedUpstream[] = (doc.upstreams ?? []).map(normalizeUpstream);
  const upstreamByName = new Map(upstreams.map((u) => [u.name, u]));

  const services: NormalizedService[] = [];
  const serviceByName = new Map<string, NormalizedService>();
  const serviceById = new Map<string, NormalizedService>();
  const routes: NormalizedRoute[] = [];
  // routes by where they were declared: only those with plugins of their own are looked up
  const routeByPath = new Map<string, NormalizedRoute>();
  // by name and id: only for plugins naming a route, built then (not for 100,000 routes and none)
  let routeMaps:
    { byName: Map<string, NormalizedRoute>; byId: Map<string, NormalizedRoute> } | undefined;
  const routesBy = () => {
    if (routeMaps === undefined) {
      routeMaps = { byName: new Map(), byId: new Map() };
      for (const route of routes) {
        if (route.name !== null) routeMaps.byName.set(route.name, route);
        routeMaps.byId.set(route.id, route);
      }
    }
    return routeMaps;
  };
  const plugins: NormalizedPlugin[] = [];

  const mkService = (s: ServiceDoc): NormalizedService => {
    let protocol: "http" | "https";
    let host: string;
    let port: number;
    let path: string | null;
    if (s.url !== undefined) {
      const u = parseServiceUrl(s.url) as Exclude<ReturnType<typeof parseServiceUrl>, string>;
      ({ protocol, host, port, path } = u);
    } else {
      protocol = s.protocol ?? "http";
      host = s.host as string;
      port = s.port ?? (protocol === "https" ? 443 : 80);
      path = s.path ?? null;
    }
    return {
      id: s.id ?? stableId(`service:${s.name}`),
      name: s.name,
      protocol,
      host,
      port,
      path,
      connectTimeout: s.connect_timeout ?? 60000,
      readTimeout: s.read_timeout ?? 60000,
      writeTimeout: s.write_timeout ?? 60000,
      retries: s.retries ?? 5,
      tags: s.tags ?? [],
      upstream: upstreamByName.get(host) ?? null,
      ...serviceTls(s),
    };
  };

  const mkRoute = (
    r: Omit<RouteDoc, "service">,
    service: NormalizedService | null,
    path: string,
  ): NormalizedRoute => {
    let headers: Record<string, string[]> | null = null;
    if (r.headers && Object.keys(r.headers).length > 0) {
      headers = {};
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
    }
    const route: NormalizedRoute = {
      id: r.id ?? stableId(`route:${r.name ?? path}`),
      name: r.name ?? null,
      service,
      protocols: r.protocols ?? ["http", "https"],
      methods: r.methods && r.methods.length > 0 ? r.methods : null,
      hosts: r.hosts && r.hosts.length > 0 ? r.hosts.map((h) => h.toLowerCase()) : null,
      paths: r.paths && r.paths.length > 0 ? r.paths : null,
      headers,
      stripPath: r.strip_path ?? true,
      preserveHost: r.preserve_host ?? false,
      regexPriority: r.regex_priority ?? 0,
      pathHandling: r.path_handling ?? "v0",
      httpsRedirectStatusCode: r.https_redirect_status_code ?? 426,
      maxBodySize: r.max_body_size ?? null,
      tags: r.tags ?? [],
      source: path,
    };
    routes.push(route);
    if (r.plugins !== undefined && r.plugins.length > 0) routeByPath.set(path, route);
    return route;
  };

  const resolve = <T extends { id: string }>(
    ref: Ref,
    byName: Map<string, T>,
    byId: Map<string, T>,
  ): T => {
    if (typeof ref === "string") return (byName.get(ref) ?? byId.get(ref)) as T;
    if ("name" in ref) return byName.get(ref.name) as T;
    return byId.get(ref.id) as T;
  };

  (doc.services ?? []).forEach((s, i) => {
    const svc = mkService(s);
    services.push(svc);
    serviceByName.set(svc.name, svc);
    serviceById.set(svc.id, svc);
    (s.routes ?? []).forEach((r, j) => mkRoute(r, svc, `services[${i}].routes[${j}]`));
  });
  (doc.routes ?? []).forEach((r, i) => {
    const svc = r.service === undefined ? null : resolve(r.service, serviceByName, serviceById);
    mkRoute(r, svc, `routes[${i}]`);
  });

  const consumers: NormalizedConsumer[] = [];
  const consumerByName = new Map<string, NormalizedConsumer>();
  const consumerById = new Map<string, NormalizedConsumer>();
  (doc.consumers ?? []).forEach((c) => {
    const id = c.id ?? stableId(`consumer:${c.username ?? ""}:${c.custom_id ?? ""}`);
    const consumer: NormalizedConsumer = {
      id,
      username: c.username ?? null,
      customId: c.custom_id ?? null,
      tags: c.tags ?? [],
      keyauthCredentials: (c.keyauth_credentials ?? []).map((k, j) => ({
        id: k.id ?? stableId(`keyauth:${id}:${j}`),
        key: k.key ?? null,
        keyHash: k.key_hash ?? null,
        tags: k.tags ?? [],
      })),
      basicauthCredentials: (c.basicauth_credentials ?? []).map((b) => ({
        id: b.id ?? stableId(`basicauth:${b.username}`),
        username: b.username,
        ...(doc._transform === false && b.password !== undefined && c.id !== undefined
          ? { password: null, passwordHash: kongBasicAuthHash(c.id, b.password) }
          : { password: b.password ?? null, passwordHash: b.password_hash ?? null }),
        tags: b.tags ?? [],
      })),
      jwtSecrets: (c.jwt_secrets ?? []).map((s) => ({
        id: s.id ?? stableId(`jwt:${s.key}`),
        key: s.key,
        secret: s.secret ?? null,
        algorithm: s.algorithm ?? DEFAULT_JWT_ALGORITHM,
        rsaPublicKey: s.rsa_public_key ?? null,
        tags: s.tags ?? [],
      })),
      acls: (c.acls ?? []).map((a) => ({
        id: a.id ?? stableId(`acl:${id}:${a.group}`),
        group: a.group,
        tags: a.tags ?? [],
      })),
    };
    consumers.push(consumer);
    if (consumer.username !== null) consumerByName.set(consumer.username, consumer);
    if (consumer.customId !== null && !consumerByName.has(consumer.customId)) {
      consumerByName.set(consumer.customId, consumer);
    }
    consumerById.set(id, consumer);
  });

  const mkPlugin = (
    p: PluginDoc,
    source: string,
    parent: { service?: NormalizedService; route?: NormalizedRoute; consumer?: NormalizedConsumer },
  ): void => {
    const service =
      parent.service ?? (p.service ? resolve(p.service, serviceByName, serviceById) : null);
    const route =
      parent.route ?? (p.route ? resolve(p.route, routesBy().byName, routesBy().byId) : null);
    const consumer =
      parent.consumer ?? (p.consumer ? resolve(p.consumer, consumerByName, consumerById) : null);
    const serviceId = service?.id ?? null;
    const routeId = route?.id ?? null;
    const consumerId = consumer?.id ?? null;
    plugins.push({
      id:
        p.id ??
        stableId(`plugin:${p.name}:${serviceId ?? ""}:${routeId ?? ""}:${consumerId ?? ""}`),
      name: p.name,
      enabled: p.enabled ?? true,
      config: pluginConfigs.get(source) ?? {},
      serviceId,
      routeId,
      consumerId,
      protocols: p.protocols ?? ["http", "https"],
      tags: p.tags ?? [],
      source,
    });
  };

  (doc.plugins ?? []).forEach((p, i) => mkPlugin(p, `plugins[${i}]`, {}));
  (doc.services ?? []).forEach((s, i) => {
    const service = services[i] as NormalizedService;
    (s.plugins ?? []).forEach((p, j) => mkPlugin(p, `services[${i}].plugins[${j}]`, { service }));
    (s.routes ?? []).forEach((r, j) => {
      if (r.plugins === undefined || r.plugins.length === 0) return; // most routes: no lookup
      const route = routeByPath.get(`services[${i}].routes[${j}]`) as NormalizedRoute;
      r.plugins.forEach((p, k) =>
        mkPlugin(p, `services[${i}].routes[${j}].plugins[${k}]`, { route }),
      );
    });
  });
  (doc.routes ?? []).forEach((r, i) => {
    if (r.plugins === undefined || r.plugins.length === 0) return;
    const route = routeByPath.get(`routes[${i}]`) as NormalizedRoute;
    r.plugins.forEach((p, k) => mkPlugin(p, `routes[${i}].plugins[${k}]`, { route }));
  });
  (doc.consumers ?? []).forEach((c, i) => {
    const consumer = consumers[i] as NormalizedConsumer;
    (c.plugins ?? []).forEach((p, j) => mkPlugin(p, `consumers[${i}].plugins[${j}]`, { consumer }));
  });

  return {
    formatVersion: doc._format_version,
    services,
    routes,
    consumers,
    upstreams,
    certificates: normalizeCertificates(doc.certificates),
    caCertificates: normalizeCaCertificates(doc.ca_certificates),
    plugins,
    upstreamDeny: doc.upstream_deny ?? null,
  };
}

/**
 * Validate a declarative document against the format and this data plane's plugin
 * set. Lists every error found (schema, references, plugin configs) as `{ path, message }`.
 */
export function validateDeclarative(doc: unknown, opts: ValidateOptions): ValidationResult {
  if (!isObj(doc)) {
    return {
      ok: false,
      errors: [{ path: "", message: "the document must be an object (a YAML mapping)" }],
    };
  }
  // plain routes (most of a large document) are checked by hand, the others by zod (same issues)
  const parsed = documentSchemaFastRoutes.safeParse(doc, { reportInput: true });
  const errors: ConfigError[] = parsed.success ? [] : fromZodIssues(parsed.error.issues);
  const pluginConfigs = new Map<string, Record<string, unknown>>();
  errors.push(...crossCheck(doc, opts.plugins, pluginConfigs));
  if (errors.length > 0 || !parsed.success) {
    const seen = new Set<string>();
    const unique = errors.filter((e) => {
      const k = `${e.path}\0${e.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return { ok: false, errors: unique };
  }
  const data = parsed.data as DeclarativeDocument;
  return { ok: true, config: normalize(data, pluginConfigs) };
}

/** `path: reason` lines, the way the CLI prints them. */
export function formatErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => (e.path === "" ? e.message : `${e.path}: ${e.message}`)).join("\n");
}
