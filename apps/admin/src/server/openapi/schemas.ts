import "server-only";
import {
  HASH_ON,
  JWT_ALGORITHMS,
  TARGET_HEALTH,
  UPSTREAM_ALGORITHMS,
  documentSchema,
  healthchecksSchema,
  traceSchema,
} from "@gatehouse/config";
import { z } from "zod";
import { ROLES } from "@/server/auth/roles";
import {
  loginSchema,
  tokenCreateSchema,
  userCreateSchema,
  userUpdateSchema,
  passwordChangeSchema,
} from "@/server/schemas/auth";
import { settingsUpdateSchema } from "@/server/settings/settings";
import { simulateSchema } from "@/server/simulator/simulate";

// The request bodies are the data plane's own declarative schemas (@gatehouse/config), minus
// what the admin API does not store; responses add the read-only fields.
const doc = documentSchema.shape;
const service = doc.services.unwrap().element;
const route = doc.routes.unwrap().element;
const consumer = doc.consumers.unwrap().element;
const plugin = doc.plugins.unwrap().element;
const upstream = doc.upstreams.unwrap().element;
const target = upstream.shape.targets.unwrap().element;
const keyauth = consumer.shape.keyauth_credentials.unwrap().element;
const basicauth = consumer.shape.basicauth_credentials.unwrap().element;
const jwt = consumer.shape.jwt_secrets.unwrap().element;
const acl = consumer.shape.acls.unwrap().element;
const certificate = doc.certificates.unwrap().element;
const caCertificate = doc.ca_certificates.unwrap().element;

const readOnly = {
  id: z.string(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  version: z
    .int()
    .describe("Row version: send it back as If-Match (or `version`) to update safely."),
};
const ref = z.object({ id: z.string() }).nullable();
const version = {
  version: z.int().optional().describe("The version you read (optimistic concurrency)."),
};

export const ServiceInput = service
  .omit({ routes: true, plugins: true, enabled: true, id: true })
  .extend(version);
export const Service = z.object({
  ...readOnly,
  name: z.string(),
  protocol: z.enum(["http", "https"]),
  host: z.string(),
  port: z.int(),
  path: z.string().nullable(),
  connect_timeout: z.int(),
  read_timeout: z.int(),
  write_timeout: z.int(),
  retries: z.int(),
  tls_verify: z.boolean().nullable().describe("null: not set (https upstreams are verified)"),
  tls_verify_depth: z.int().nullable(),
  ca_certificates: z.array(z.string()).describe("ids of CA certificates"),
  client_certificate: ref.describe("The certificate presented to the upstream (mutual TLS)."),
  tags: z.array(z.string()),
});

export const RouteInput = route
  .omit({
    id: true,
    plugins: true,
    path_handling: true,
    request_buffering: true,
    response_buffering: true,
    max_body_size: true,
  })
  .extend({ service: route.shape.service.unwrap().nullable().optional(), ...version });
export const Route = z.object({
  ...readOnly,
  name: z.string().nullable(),
  service: ref,
  protocols: z.array(z.string()),
  methods: z.array(z.string()),
  hosts: z.array(z.string()),
  paths: z.array(z.string()),
  headers: z.record(z.string(), z.array(z.string())),
  strip_path: z.boolean(),
  preserve_host: z.boolean(),
  regex_priority: z.int(),
  https_redirect_status_code: z
    .int()
    .describe("What a request on a protocol the route does not take gets: 426, or a redirect."),
  tags: z.array(z.string()),
});

export const PluginInput = plugin.omit({ id: true }).extend({
  service: plugin.shape.service.unwrap().nullable().optional(),
  route: plugin.shape.route.unwrap().nullable().optional(),
  consumer: plugin.shape.consumer.unwrap().nullable().optional(),
  ...version,
});
export const Plugin = z.object({
  ...readOnly,
  name: z.string(),
  instance_name: z.string().nullable(),
  config: z.record(z.string(), z.unknown()).describe('Secret fields read back as "********".'),
  enabled: z.boolean(),
  protocols: z.array(z.string()),
  service: ref,
  route: ref,
  consumer: ref,
  tags: z.array(z.string()),
});

export const ConsumerInput = consumer
  .omit({
    id: true,
    keyauth_credentials: true,
    basicauth_credentials: true,
    jwt_secrets: true,
    acls: true,
    plugins: true,
  })
  .extend(version);
export const Consumer = z.object({
  ...readOnly,
  username: z.string().nullable(),
  custom_id: z.string().nullable(),
  tags: z.array(z.string()),
});

export const UpstreamInput = upstream.omit({ id: true, targets: true }).extend(version);
const nullableString = z.string().nullable();
export const Upstream = z.object({
  ...readOnly,
  name: z.string(),
  algorithm: z.enum(UPSTREAM_ALGORITHMS),
  hash_on: z.enum(HASH_ON),
  hash_fallback: z.enum(HASH_ON),
  hash_on_header: nullableString,
  hash_fallback_header: nullableString,
  hash_on_cookie: nullableString,
  hash_on_cookie_path: z.string(),
  hash_on_query_arg: nullableString,
  hash_fallback_query_arg: nullableString,
  hash_on_uri_capture: nullableString,
  hash_fallback_uri_capture: nullableString,
  slots: z.int(),
  healthchecks: healthchecksSchema.describe("Kong's health checks, every default filled in"),
  host_header: nullableString,
  service: ref.describe("the service this upstream holds the targets of, if any"),
  tags: z.array(z.string()),
});
const health = z.enum([...TARGET_HEALTH, "PARTIAL", "UNKNOWN"]);
export const UpstreamHealth = z.object({
  upstream: z.object({ id: z.string(), name: z.string() }),
  data: z.array(
    z.object({
      id: z.string(),
      target: z.string(),
      weight: z.int(),
      health: health.describe(
        "what every connected data plane reports; PARTIAL when they differ, UNKNOWN when none does",
      ),
      data_planes: z.array(
        z.object({
          id: z.string(),
          hostname: z.string().nullable(),
          health: z.enum(TARGET_HEALTH),
          addresses: z
            .array(z.object({ address: z.string(), health: z.enum(TARGET_HEALTH) }))
            .optional(),
        }),
      ),
    }),
  ),
  data_planes: z.array(z.object({ id: z.string(), hostname: z.string().nullable() })),
});

export const ProxyCacheEntry = z.object({
  plugin_id: z.string().describe("the proxy-cache plugin holding the entry"),
  strategy: z.enum(["memory", "redis"]),
  status: z.int().describe("the cached response's status"),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  body: z.string().describe("the cached body, as UTF-8 text"),
  body_len: z.int().describe("the body's length in bytes"),
  timestamp: z.int().describe("when it was stored, seconds since the epoch"),
  ttl: z.int().describe("its freshness, seconds"),
  version: z.int(),
  data_plane: z.string().describe("the data plane that answered"),
});

export const TargetInput = target.omit({ id: true }).extend(version);
export const Target = z.object({
  ...readOnly,
  upstream: ref,
  target: z.string(),
  weight: z.int(),
  tags: z.array(z.string()),
});

export const KeyAuthInput = keyauth.omit({ id: true, key_hash: true, ttl: true }).extend({
  key: z.string().min(1).optional().describe("Generated when left out; shown once."),
  ...version,
});
export const KeyAuth = z.object({
  ...readOnly,
  consumer: ref,
  key_prefix: z.string().describe("First characters of the key, for recognition."),
  key: z.string().optional().describe("Only in the create (or key-changing update) response."),
  tags: z.array(z.string()),
});

export const BasicAuthInput = basicauth.omit({ id: true, password_hash: true }).extend(version);
export const BasicAuth = z.object({
  ...readOnly,
  consumer: ref,
  username: z.string(),
  tags: z.array(z.string()),
});

export const JwtInput = jwt.omit({ id: true }).extend({
  key: z.string().min(1).optional().describe("Generated when left out."),
  algorithm: z.enum(JWT_ALGORITHMS).optional().describe("Default HS256."),
  secret: z.string().optional().describe("HS*: generated when left out; shown once."),
  rsa_public_key: jwt.shape.rsa_public_key.describe(
    "RS*, PS*, ES*, EdDSA: PEM public key of the algorithm's type (RSA ≥ 2048 bits; EC P-256/P-384/P-521 for ES256/384/512; Ed25519).",
  ),
  ...version,
});
export const Jwt = z.object({
  ...readOnly,
  consumer: ref,
  key: z.string(),
  algorithm: z.enum(JWT_ALGORITHMS),
  rsa_public_key: z.string().nullable(),
  secret: z.string().optional().describe("Only in the response that set it."),
  tags: z.array(z.string()),
});

export const AclInput = acl.omit({ id: true }).extend(version);
export const Acl = z.object({
  ...readOnly,
  consumer: ref,
  group: z.string().describe("The group name the acl plugin's allow/deny lists refer to."),
  tags: z.array(z.string()),
});

const MASKED = 'Always "********": private keys are never read back (export with include_secrets).';
const certificateDetails = z
  .object({
    subject: z.string(),
    issuer: z.string(),
    sans: z.array(z.string()),
    not_before: z.iso.datetime(),
    not_after: z.iso.datetime(),
    key_type: z.string(),
    fingerprint: z.string().describe("SHA-256 of the DER, hex"),
  })
  .nullable()
  .describe("Read from the (leaf) certificate.");

export const CertificateInput = certificate.omit({ id: true, snis: true }).extend({
  key: certificate.shape.key.describe('PEM private key; "********" keeps the stored one.'),
  ...version,
});
export const Certificate = z.object({
  ...readOnly,
  cert: z.string(),
  key: z.literal("********").describe(MASKED),
  cert_alt: z.string().nullable(),
  key_alt: z.literal("********").nullable().describe(MASKED),
  tags: z.array(z.string()),
  details: certificateDetails,
});

export const SniInput = z
  .object({
    name: z.string().describe('A hostname or a wildcard like "*.example.com".'),
    certificate: z.union([z.string(), z.object({ id: z.string() })]).optional(),
    tags: z.array(z.string()).optional(),
  })
  .extend(version);
export const Sni = z.object({
  ...readOnly,
  name: z.string(),
  certificate: ref,
  tags: z.array(z.string()),
});

export const CaCertificateInput = caCertificate.omit({ id: true }).extend(version);
export const CaCertificate = z.object({
  ...readOnly,
  cert: z.string(),
  cert_digest: z.string(),
  tags: z.array(z.string()),
  details: certificateDetails,
});

export const FieldError = z.object({ path: z.string(), message: z.string() });
export const ErrorBody = z.object({
  code: z.enum([
    "validation",
    "bad_request",
    "unauthorized",
    "forbidden",
    "csrf",
    "not_found",
    "method_not_allowed",
    "conflict",
    "stale",
    "payload_too_large",
    "unsupported_media_type",
    "rate_limited",
    "internal",
    "unavailable",
  ]),
  message: z.string(),
  errors: z.array(FieldError).optional().describe("Every problem found, each with the field path."),
  request_id: z.string(),
});

export const DiffEntry = z.object({ id: z.string(), name: z.string().nullable() });
const diffGroup = z.object({
  added: z.array(DiffEntry),
  changed: z.array(DiffEntry.extend({ fields: z.array(z.string()) })),
  deleted: z.array(DiffEntry),
});
export const ConfigDiff = z.object({
  services: diffGroup,
  routes: diffGroup,
  upstreams: diffGroup,
  targets: diffGroup,
  consumers: diffGroup,
  keyauth_credentials: diffGroup,
  basicauth_credentials: diffGroup,
  jwt_secrets: diffGroup,
  acls: diffGroup,
  plugins: diffGroup,
  certificates: diffGroup,
  snis: diffGroup,
  ca_certificates: diffGroup,
});
export const ConfigVersion = z.object({
  version: z.int(),
  hash: z.string(),
  author: z.string(),
  message: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export const ImportResult = z.object({
  dry_run: z.boolean(),
  diff: ConfigDiff,
  version: z.object({ version: z.int(), hash: z.string() }).nullable(),
});

export const LoginInput = loginSchema;
export const UserInput = userCreateSchema;
export const UserUpdate = userUpdateSchema;
export const PasswordChange = passwordChangeSchema;
export const User = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string().nullable(),
  role: z.enum(ROLES),
  disabled: z.boolean(),
  last_login_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
  version: z.int(),
});
export const TokenInput = tokenCreateSchema;
export const Token = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  role: z.enum(ROLES),
  user: ref,
  expires_at: z.iso.datetime().nullable(),
  revoked_at: z.iso.datetime().nullable(),
  last_used_at: z.iso.datetime().nullable(),
  created_at: z.iso.datetime(),
  token: z.string().optional().describe("Only in the create response: store it now."),
});
export const TagEntry = z.object({
  entity_name: z
    .string()
    .describe(
      "Kong's entity name: services, routes, plugins, consumers, targets, keyauth_credentials...",
    ),
  entity_id: z.string(),
  tag: z.string(),
});
export const AuditEntry = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
});
export const Declarative = documentSchema;
export const SimulateInput = simulateSchema;
export const SimulateResult = z.object({
  data_plane: z.object({ id: z.string(), proxy_url: z.string() }),
  request: z.object({ method: z.string(), url: z.string(), host: z.string() }),
  status: z.number().int(),
  headers: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  body: z
    .string()
    .nullable()
    .describe(
      "The response body as text, cut off after 64 KiB; an upstream's body is null (hidden) for editors unless the admin setting simulator_show_body is on",
    ),
  body_hidden: z.boolean(),
  body_bytes: z.number().int(),
  body_truncated: z.boolean(),
  trace: traceSchema
    .nullable()
    .describe("The data plane's X-Gatehouse-Trace (phases up to header_filter); null without one"),
  duration_ms: z.number(),
});
export const SettingsInput = settingsUpdateSchema;
export const Settings = z.object({
  upstream_deny: z
    .array(z.string())
    .nullable()
    .describe(
      "Addresses the data planes never proxy to (IP, CIDR, IP:port, [IPv6]:port, *:port), pushed in every config version; null = upstream_deny_default",
    ),
  upstream_deny_default: z.array(z.string()),
  simulator_show_body: z
    .boolean()
    .describe("Editors see upstream response bodies in the request simulator (admins always do)"),
});
