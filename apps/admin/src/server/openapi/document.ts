import "server-only";
import { configJsonSchema } from "@gatehouse/plugin-kit";
import { z } from "zod";
import type { Role } from "@/server/auth/roles";
import { pluginDefinitions } from "@/server/catalog/plugins";
import { MAX_BODY_BYTES } from "@/server/http/body";
import * as S from "@/server/openapi/schemas";

type SchemaName = keyof typeof S;

interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  summary: string;
  tag: string;
  role: Role | "public" | "cluster";
  body?: SchemaName | "yaml-or-json";
  /** response schema; `list` wraps it in a page */
  response?: SchemaName;
  list?: boolean;
  status?: number;
  query?: { name: string; description: string }[];
  etag?: boolean;
}

const LIST_QUERY = [
  { name: "size", description: "Page size, 1..1000 (default 100)." },
  {
    name: "offset",
    description: "The opaque cursor of the next page (the previous page's `offset`).",
  },
  { name: "sort_by", description: "Field to sort by." },
  { name: "sort_desc", description: "true for descending order." },
  { name: "tags", description: "`a,b`: entities with all of the tags; `a/b`: with any of them." },
  { name: "q", description: "Substring of the name (case-insensitive)." },
  { name: "name", description: "Exact name." },
];

const INCLUDE_SECRETS = {
  name: "include_secrets",
  description:
    "true: secrets in clear — plugin secret fields, jwt `secret`, key-auth `key_hash`, basic-auth " +
    "`password_hash`, certificates' `key` / `key_alt` (admins only: 403 for anyone else). Otherwise each is `********`; importing " +
    "such a document back keeps the stored values.",
};

/** CRUD operations of a resource at `base` (a collection) and `base/{item}`. */
function crud(
  base: string,
  item: string,
  tag: string,
  input: SchemaName,
  output: SchemaName,
  what: string,
): Operation[] {
  const one = `${base}/{${item}}`;
  return [
    {
      method: "get",
      path: base,
      summary: `List ${what}s`,
      tag,
      role: "viewer",
      response: output,
      list: true,
      query: LIST_QUERY,
    },
    {
      method: "post",
      path: base,
      summary: `Create a ${what}`,
      tag,
      role: "editor",
      body: input,
      response: output,
      status: 201,
    },
    {
      method: "get",
      path: one,
      summary: `Get a ${what} by id or name`,
      tag,
      role: "viewer",
      response: output,
      etag: true,
    },
    {
      method: "patch",
      path: one,
      summary: `Update a ${what} (PATCH semantics; If-Match for safety)`,
      tag,
      role: "editor",
      body: input,
      response: output,
      etag: true,
    },
    {
      method: "put",
      path: one,
      summary: `Create or replace a ${what} (upsert: fields left out get their defaults)`,
      tag,
      role: "editor",
      body: input,
      response: output,
      etag: true,
    },
    {
      method: "delete",
      path: one,
      summary: `Delete a ${what}`,
      tag,
      role: "editor",
      status: 204,
      etag: true,
    },
  ];
}

export const OPERATIONS: Operation[] = [
  ...crud("/services", "service", "Services", "ServiceInput", "Service", "service"),
  ...crud(
    "/services/{service}/routes",
    "route",
    "Routes",
    "RouteInput",
    "Route",
    "route of a service",
  ),
  ...crud(
    "/services/{service}/plugins",
    "plugin",
    "Plugins",
    "PluginInput",
    "Plugin",
    "plugin of a service",
  ),
  ...crud(
    "/services/{service}/targets",
    "target",
    "Targets",
    "TargetInput",
    "Target",
    "target of a service",
  ),
  ...crud("/upstreams", "upstream", "Upstreams", "UpstreamInput", "Upstream", "upstream"),
  ...crud(
    "/upstreams/{upstream}/targets",
    "target",
    "Upstreams",
    "TargetInput",
    "Target",
    "target of an upstream",
  ),
  {
    method: "get",
    path: "/upstreams/{upstream}/health",
    summary: "Target health of an upstream, per data plane (from their heartbeats)",
    tag: "Upstreams",
    role: "viewer",
    response: "UpstreamHealth",
  },
  {
    method: "delete",
    path: "/proxy-cache",
    summary:
      "Kong's purge of every proxy-cache entry: each connected data plane flushes its memory caches and the redis strategy's entries",
    tag: "Proxy cache",
    role: "editor",
    status: 204,
  },
  {
    method: "get",
    path: "/proxy-cache/{key}",
    summary:
      "The cached entry {key} (a cache key, as X-Cache-Key shows it) of the first proxy-cache instance holding it, on any connected data plane",
    tag: "Proxy cache",
    role: "viewer",
    response: "ProxyCacheEntry",
  },
  {
    method: "delete",
    path: "/proxy-cache/{key}",
    summary: "Purges the cached entry {key} (a cache key) on every connected data plane",
    tag: "Proxy cache",
    role: "editor",
    status: 204,
  },
  {
    method: "get",
    path: "/proxy-cache/{key}/caches/{cache_key}",
    summary:
      "The cached entry {cache_key} of the proxy-cache plugin {key} (its id or instance name)",
    tag: "Proxy cache",
    role: "viewer",
    response: "ProxyCacheEntry",
  },
  {
    method: "delete",
    path: "/proxy-cache/{key}/caches/{cache_key}",
    summary:
      "Purges the cached entry {cache_key} of the proxy-cache plugin {key} on every connected data plane",
    tag: "Proxy cache",
    role: "editor",
    status: 204,
  },
  ...crud("/routes", "route", "Routes", "RouteInput", "Route", "route"),
  ...crud(
    "/routes/{route}/plugins",
    "plugin",
    "Plugins",
    "PluginInput",
    "Plugin",
    "plugin of a route",
  ),
  ...crud("/plugins", "plugin", "Plugins", "PluginInput", "Plugin", "plugin"),
  ...crud("/consumers", "consumer", "Consumers", "ConsumerInput", "Consumer", "consumer"),
  ...crud(
    "/consumers/{consumer}/plugins",
    "plugin",
    "Plugins",
    "PluginInput",
    "Plugin",
    "plugin of a consumer",
  ),
  ...crud(
    "/consumers/{consumer}/key-auth",
    "credential",
    "Credentials",
    "KeyAuthInput",
    "KeyAuth",
    "key-auth credential",
  ),
  ...crud(
    "/consumers/{consumer}/basic-auth",
    "credential",
    "Credentials",
    "BasicAuthInput",
    "BasicAuth",
    "basic-auth credential",
  ),
  ...crud(
    "/consumers/{consumer}/jwt",
    "credential",
    "Credentials",
    "JwtInput",
    "Jwt",
    "jwt credential",
  ),
  ...crud("/consumers/{consumer}/acls", "acl", "Credentials", "AclInput", "Acl", "acl group"),
  ...crud(
    "/certificates",
    "certificate",
    "Certificates",
    "CertificateInput",
    "Certificate",
    "certificate",
  ),
  ...crud(
    "/certificates/{certificate}/snis",
    "sni",
    "Certificates",
    "SniInput",
    "Sni",
    "SNI of a certificate",
  ),
  ...crud("/snis", "sni", "Certificates", "SniInput", "Sni", "SNI"),
  ...crud(
    "/ca_certificates",
    "ca_certificate",
    "Certificates",
    "CaCertificateInput",
    "CaCertificate",
    "CA certificate",
  ),
  {
    method: "get",
    path: "/tags",
    summary: "Every tagged entity, one row per tag (Kong's /tags)",
    tag: "Tags",
    role: "viewer",
    response: "TagEntry",
    list: true,
    query: LIST_QUERY.slice(0, 2),
  },
  {
    method: "get",
    path: "/tags/{tag}",
    summary: "The entities carrying one tag (Kong's /tags/{tag})",
    tag: "Tags",
    role: "viewer",
    response: "TagEntry",
    list: true,
    query: LIST_QUERY.slice(0, 2),
  },
  {
    method: "get",
    path: "/catalog",
    summary: "Every plugin with metadata, JSON Schema and data-plane availability",
    tag: "Catalog",
    role: "viewer",
  },
  {
    method: "post",
    path: "/config/validate",
    summary: "Validate a declarative file (YAML or JSON); writes nothing",
    tag: "Declarative config",
    role: "editor",
    body: "yaml-or-json",
  },
  {
    method: "get",
    path: "/config/export",
    summary: "Export the configuration as a declarative file",
    tag: "Declarative config",
    role: "viewer",
    response: "Declarative",
    query: [{ name: "format", description: "`yaml` (default) or `json`." }, INCLUDE_SECRETS],
  },
  {
    method: "post",
    path: "/config/import",
    summary: "Import a declarative file (one transaction)",
    tag: "Declarative config",
    role: "editor",
    body: "yaml-or-json",
    response: "ImportResult",
    query: [
      {
        name: "mode",
        description:
          "`sync` (the file is the whole truth, default), `partial` (only the file's entities) or `tags`.",
      },
      {
        name: "tags",
        description: "With mode=tags: `a,b` — only entities carrying these tags are managed.",
      },
      { name: "dry_run", description: "true: return the diff, write nothing." },
    ],
  },
  {
    method: "get",
    path: "/config/versions",
    summary: "List config versions (newest first)",
    tag: "Config versions",
    role: "viewer",
    response: "ConfigVersion",
    list: true,
    query: LIST_QUERY.slice(0, 4),
  },
  {
    method: "get",
    path: "/config/versions/{version}",
    summary: "A config version with its snapshot",
    tag: "Config versions",
    role: "viewer",
    response: "ConfigVersion",
    query: [INCLUDE_SECRETS],
  },
  {
    method: "get",
    path: "/config/versions/diff",
    summary: "Diff two versions",
    tag: "Config versions",
    role: "viewer",
    query: [
      { name: "from", description: "Version number." },
      { name: "to", description: "Version number." },
    ],
  },
  {
    method: "post",
    path: "/config/versions/{version}/rollback",
    summary: "Roll back to a version (becomes a new version)",
    tag: "Config versions",
    role: "editor",
    response: "ImportResult",
  },
  {
    method: "post",
    path: "/auth/login",
    summary: "Sign in: sets the session cookie (rate-limited)",
    tag: "Auth",
    role: "public",
    body: "LoginInput",
  },
  {
    method: "post",
    path: "/auth/logout",
    summary: "Sign out",
    tag: "Auth",
    role: "viewer",
    status: 204,
  },
  { method: "get", path: "/auth/me", summary: "The caller", tag: "Auth", role: "viewer" },
  {
    method: "post",
    path: "/auth/password",
    summary: "Change your own password (ends your other sessions)",
    tag: "Auth",
    role: "viewer",
    body: "PasswordChange",
    status: 204,
  },
  {
    method: "get",
    path: "/tokens",
    summary: "List API tokens",
    tag: "API tokens",
    role: "admin",
    response: "Token",
    list: true,
    query: LIST_QUERY.slice(0, 4),
  },
  {
    method: "post",
    path: "/tokens",
    summary: "Create an API token (shown once)",
    tag: "API tokens",
    role: "admin",
    body: "TokenInput",
    response: "Token",
    status: 201,
  },
  {
    method: "delete",
    path: "/tokens/{token}",
    summary: "Revoke an API token",
    tag: "API tokens",
    role: "admin",
    status: 204,
  },
  {
    method: "get",
    path: "/users",
    summary: "List admin users",
    tag: "Users",
    role: "admin",
    response: "User",
    list: true,
    query: LIST_QUERY.slice(0, 4),
  },
  {
    method: "post",
    path: "/users",
    summary: "Create an admin user",
    tag: "Users",
    role: "admin",
    body: "UserInput",
    response: "User",
    status: 201,
  },
  {
    method: "get",
    path: "/users/{user}",
    summary: "Get a user by id or username",
    tag: "Users",
    role: "admin",
    response: "User",
    etag: true,
  },
  {
    method: "patch",
    path: "/users/{user}",
    summary: "Update a user",
    tag: "Users",
    role: "admin",
    body: "UserUpdate",
    response: "User",
    etag: true,
  },
  {
    method: "delete",
    path: "/users/{user}",
    summary: "Delete a user",
    tag: "Users",
    role: "admin",
    status: 204,
  },
  {
    method: "get",
    path: "/audit",
    summary: "The audit log (newest first)",
    tag: "Audit",
    role: "admin",
    response: "AuditEntry",
    list: true,
    query: [
      ...LIST_QUERY.slice(0, 4),
      ...["actor", "action", "entity_type", "entity_id", "request_id"].map((name) => ({
        name,
        description: `Exact ${name}.`,
      })),
      { name: "since", description: "ISO 8601: entries at or after." },
      { name: "until", description: "ISO 8601: entries before." },
    ],
  },
  { method: "get", path: "/openapi.json", summary: "This document", tag: "Meta", role: "public" },
  {
    method: "get",
    path: "/settings",
    summary: "The control plane's settings (upstream deny list, simulator body visibility)",
    tag: "Meta",
    role: "editor",
    response: "Settings",
  },
  {
    method: "patch",
    path: "/settings",
    summary:
      "Change settings (the fields given); a changed upstream_deny becomes a new config version pushed to the data planes",
    tag: "Meta",
    role: "admin",
    body: "SettingsInput",
    response: "Settings",
  },
  {
    method: "post",
    path: "/simulate",
    summary:
      "Request simulator: send a request through a registered data plane with tracing on (matched route, plugin × phase times, who exited)",
    tag: "Data planes",
    role: "editor",
    body: "SimulateInput",
    response: "SimulateResult",
  },
  // Distribution (data planes). The /dataplane/* endpoints take the cluster token, not user credentials.
  {
    method: "get",
    path: "/data-planes",
    summary: "Registered data planes and their sync status",
    tag: "Data planes",
    role: "viewer",
    query: LIST_QUERY.slice(0, 4),
  },
  {
    method: "get",
    path: "/data-planes/{id}",
    summary: "One data plane",
    tag: "Data planes",
    role: "viewer",
  },
  {
    method: "post",
    path: "/dataplane/register",
    summary: "A data plane registers (cluster token)",
    tag: "Data planes",
    role: "cluster",
  },
  {
    method: "post",
    path: "/dataplane/heartbeat",
    summary: "A data plane's heartbeat (cluster token)",
    tag: "Data planes",
    role: "cluster",
  },
  {
    method: "get",
    path: "/dataplane/config",
    summary: "The latest config version (cluster token)",
    tag: "Data planes",
    role: "cluster",
  },
];

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ref("ErrorBody") } },
});

/** `get /services/{service}/routes` → `getServicesByServiceRoutes` (unique: one per method and path). */
export function operationId(method: string, path: string): string {
  const words = path
    .split("/")
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      const text = param ? `by-${param[1]}` : segment;
      return text
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]!.toUpperCase() + w.slice(1))
        .join("");
    });
  return method + words.join("");
}

/**
 * A schema generated on its own (zod → JSON Schema) refers to its own root (`#`) and its own
 * `$defs` (`#/$defs/x`); inside components those would resolve against the OpenAPI document.
 * Its `$defs` move to components (prefixed with the schema's name) and every `$ref` is rewritten.
 */
function placeInComponents(
  name: string,
  schema: Record<string, unknown>,
  components: Record<string, unknown>,
): Record<string, unknown> {
  const { $defs, ...rest } = schema as { $defs?: Record<string, unknown> };
  const target = (ref: string): string => {
    if (ref === "#") return `#/components/schemas/${name}`;
    const def = /^#\/\$defs\/(.+)$/.exec(ref);
    if (def) return `#/components/schemas/${name}.${def[1]}`;
    return ref;
  };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === "$ref" && typeof v === "string" ? target(v) : rewrite(v),
      ]),
    );
  };
  for (const [defName, def] of Object.entries($defs ?? {})) {
    components[`${name}.${defName}`] = rewrite(def);
  }
  return rewrite(rest) as Record<string, unknown>;
}

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the API validates with. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const schemas: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(S)) {
    schemas[name] = placeInComponents(name, jsonSchema(schema as z.ZodType), schemas);
  }
  for (const def of pluginDefinitions().values()) {
    const name = `PluginConfig.${def.name}`;
    const { $schema: _ignored, ...config } = configJsonSchema(def);
    schemas[name] = {
      ...placeInComponents(name, config, schemas),
      description: def.meta.summary,
    };
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
      description: m[1] === "tag" ? "the tag" : "id or name",
    }));
    const query = (op.query ?? []).map((q) => ({
      name: q.name,
      in: "query",
      required: false,
      schema: { type: "string" },
      description: q.description,
    }));
    const headers =
      op.etag && op.method !== "get"
        ? [
            {
              name: "If-Match",
              in: "header",
              required: false,
              schema: { type: "string" },
              description: 'The ETag you read, e.g. "3"; 409 when stale.',
            },
          ]
        : [];
    const okSchema = op.response
      ? op.list
        ? {
            type: "object",
            properties: {
              data: { type: "array", items: ref(op.response) },
              offset: { type: ["string", "null"] },
              next: { type: ["string", "null"] },
            },
          }
        : ref(op.response)
      : { type: "object" };
    const responses: Record<string, unknown> = {
      [String(op.status ?? 200)]:
        op.status === 204
          ? { description: "Done" }
          : { description: "OK", content: { "application/json": { schema: okSchema } } },
      "400": errorResponse("Invalid input: every error with its field path"),
      ...(op.role === "public"
        ? op.path === "/auth/login"
          ? { "429": errorResponse("Too many failed sign-ins") }
          : {}
        : {
            "401": errorResponse("Not authenticated"),
            "403": errorResponse(`Needs the ${op.role} role (or CSRF refusal)`),
          }),
      ...(op.path.includes("{") ? { "404": errorResponse("Not found") } : {}),
      ...(op.method !== "get"
        ? {
            "409": errorResponse("Name clash or stale update"),
            "413": errorResponse(`Body over ${MAX_BODY_BYTES} bytes`),
            "415": errorResponse("Wrong Content-Type"),
          }
        : {}),
      "503": errorResponse("The database is unavailable: try again after `Retry-After` seconds"),
    };
    const requestBody =
      op.body === "yaml-or-json"
        ? {
            required: true,
            content: {
              "application/json": { schema: ref("Declarative") },
              "application/yaml": { schema: ref("Declarative") },
            },
          }
        : op.body
          ? { required: true, content: { "application/json": { schema: ref(op.body) } } }
          : undefined;
    (paths[`/api/v1${op.path}`] ??= {})[op.method] = {
      operationId: operationId(op.method, op.path),
      summary: op.summary,
      tags: [op.tag],
      "x-required-role": op.role,
      ...(op.role === "public" ? { security: [] } : {}),
      ...(op.role === "cluster" ? { security: [{ cluster: [] }] } : {}),
      parameters: [...params, ...query, ...headers],
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "Gatehouse admin API",
      version: "1",
      description:
        "Configure services, routes, plugins, consumers and credentials; import/export declarative files; config versions. " +
        "Authenticate with `Authorization: Bearer <token>` (API token or GATEHOUSE_BOOTSTRAP_TOKEN) or the UI session cookie.",
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        session: { type: "apiKey", in: "cookie", name: "gatehouse_session" },
        cluster: {
          type: "http",
          scheme: "bearer",
          description: "GATEHOUSE_CLUSTER_TOKEN (data planes only)",
        },
      },
      schemas,
    },
    paths,
  };
  return cached;
}
