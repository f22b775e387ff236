import { z } from "zod";
import { parseUpstreamDenyRule } from "./upstream-deny.js";
import { JWT_ALGORITHMS } from "./jwt-algorithms.js";
import { upstreamFields } from "./upstream-schema.js";
import {
  ERR_HEADER_VALUES,
  routeHeaderName,
  routeHeaderValue,
  routeHost,
  routeMethod,
  routePath,
} from "./routes.js";
import type { RuleResult } from "./routes.js";
import { ERR_SNI_NAME, sniName } from "./tls.js";
import { hostnameRe } from "./hostname.js";

export { hostnameRe };

/**
 * The declarative document, Kong decK shape. Field names are decK's (snake_case);
 * unknown fields are errors so a typo never silently does nothing.
 */

const MAX_TIMEOUT = 2_147_483_646;

/**
 * Length caps (UTF-16 code units) on free-text fields, so no value reaches a database index it
 * cannot fit in (PostgreSQL refuses btree entries over ~2.7 kB) and no field is unbounded.
 */
export const MAX_LENGTH = {
  /** names, ids, tags, plugin instance names */
  name: 128,
  /** consumer username / custom_id, basic-auth username, acl group, references */
  identifier: 256,
  /** jwt `key` (the `iss` claim it matches: often a URL) */
  jwtKey: 512,
  /** a target: `host:port` */
  target: 512,
  /** a service url or path */
  url: 2048,
  /** key-auth keys, passwords, password hashes, jwt HS secrets */
  secret: 4096,
  /** PEM public keys */
  pem: 16384,
  /** PEM certificates (a leaf and its chain) and private keys */
  certificate: 65536,
} as const;

const capped = (max: number) =>
  z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`);

export const NAME_RE = /^[A-Za-z0-9._~-]+$/;
export const TAG_RE = /^[^\s,]+$/;

export const nameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(128, "must be at most 128 characters")
  .regex(NAME_RE, 'may contain only letters, digits, ".", "_", "~" and "-"');

const idSchema = capped(MAX_LENGTH.name);

export const tagsSchema = z
  .array(
    z
      .string()
      .min(1, "must not be empty")
      .max(128, "must be at most 128 characters")
      .regex(TAG_RE, "must not contain whitespace or commas"),
  )
  .optional();

const timeoutSchema = z
  .number()
  .int("must be an integer (milliseconds)")
  .min(1, "must be at least 1 (milliseconds)")
  .max(MAX_TIMEOUT, `must be at most ${MAX_TIMEOUT} (milliseconds)`);

const portSchema = z
  .number()
  .int("must be an integer")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

const protocolSchema = z.enum(["http", "https"]);

const ROUTE_HOST_MAX = 253;
const ipv6Re = /^\[?[0-9A-Fa-f:.]+\]?$/;

export const hostSchema = z
  .string()
  .min(1, "must not be empty")
  .max(255, "must be at most 255 characters")
  .refine((h) => hostnameRe.test(h) || ipv6Re.test(h), "must be a hostname or an IP address");

/** A reference to another entity: `"name"`, `{ name }` or `{ id }`. */
export const refSchema = z.union(
  [
    capped(MAX_LENGTH.identifier),
    z.strictObject({ name: capped(MAX_LENGTH.identifier) }),
    z.strictObject({ id: capped(MAX_LENGTH.name) }),
  ],
  { error: 'must be a name, { "name": ... } or { "id": ... }' },
);
export type Ref = z.infer<typeof refSchema>;

const pluginFields = {
  id: idSchema.optional(),
  name: capped(MAX_LENGTH.name),
  instance_name: capped(MAX_LENGTH.name).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  enabled: z.boolean().optional(),
  protocols: z.array(protocolSchema).min(1, "must not be empty").optional(),
  tags: tagsSchema,
  service: refSchema.optional(),
  route: refSchema.optional(),
  consumer: refSchema.optional(),
};
export const pluginSchema = z.strictObject(pluginFields);
export type PluginDoc = z.infer<typeof pluginSchema>;

/** A string checked by one of the route rules (routes.ts), with the rule's message. */
const ruled = (rule: (value: string) => RuleResult<unknown>) =>
  z.string().superRefine((value, ctx) => {
    const r = rule(value);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.message });
  });

const methodSchema = ruled(routeMethod).transform((m) => m.toUpperCase());

const routeFields = {
  id: idSchema.optional(),
  name: nameSchema.optional(),
  protocols: z.array(protocolSchema).min(1, "must not be empty").optional(),
  methods: z.array(methodSchema).optional(),
  hosts: z.array(ruled(routeHost)).optional(),
  paths: z.array(ruled(routePath)).optional(),
  headers: z
    .record(ruled(routeHeaderName), z.array(ruled(routeHeaderValue)).min(1, ERR_HEADER_VALUES))
    .optional(),
  strip_path: z.boolean().optional(),
  preserve_host: z.boolean().optional(),
  regex_priority: z.number().int("must be an integer").optional(),
  path_handling: z.enum(["v0", "v1"]).optional(),
  https_redirect_status_code: z
    .union([z.literal(426), z.literal(301), z.literal(302), z.literal(307), z.literal(308)])
    .optional(),
  request_buffering: z.boolean().optional(),
  response_buffering: z.boolean().optional(),
  max_body_size: z
    .number()
    .int("must be an integer (bytes)")
    .min(0, "must be at least 0")
    .optional(),
  tags: tagsSchema,
  plugins: z.array(pluginSchema).optional(),
};
export const nestedRouteSchema = z.strictObject(routeFields);
export const topRouteSchema = z.strictObject({ ...routeFields, service: refSchema.optional() });
export type RouteDoc = z.infer<typeof topRouteSchema>;

const pemSchema = capped(MAX_LENGTH.certificate);

export const serviceSchema = z.strictObject({
  id: idSchema.optional(),
  name: nameSchema,
  url: z.string().max(MAX_LENGTH.url, `must be at most ${MAX_LENGTH.url} characters`).optional(),
  protocol: protocolSchema.optional(),
  host: hostSchema.optional(),
  port: portSchema.optional(),
  path: z
    .string()
    .max(MAX_LENGTH.url, `must be at most ${MAX_LENGTH.url} characters`)
    .refine((p) => p.startsWith("/"), 'must start with "/"')
    .optional(),
  connect_timeout: timeoutSchema.optional(),
  read_timeout: timeoutSchema.optional(),
  write_timeout: timeoutSchema.optional(),
  retries: z
    .number()
    .int("must be an integer")
    .min(0, "must be at least 0")
    .max(32767, "must be at most 32767")
    .optional(),
  enabled: z.boolean().optional(),
  /** Kong's: verify the upstream's certificate (https); default on */
  tls_verify: z.boolean().optional(),
  tls_verify_depth: z
    .number()
    .int("must be an integer")
    .min(0, "must be between 0 and 64")
    .max(64, "must be between 0 and 64")
    .optional(),
  /** ids of `ca_certificates` the upstream's certificate is verified against (else the system's) */
  ca_certificates: z.array(idSchema).optional(),
  /** the certificate (and key) presented to the upstream: mutual TLS */
  client_certificate: z
    .union([idSchema, z.strictObject({ id: idSchema })], {
      error: 'must be a certificate id or { "id": ... }',
    })
    .optional(),
  tags: tagsSchema,
  routes: z.array(nestedRouteSchema).optional(),
  plugins: z.array(pluginSchema).optional(),
});
export type ServiceDoc = z.infer<typeof serviceSchema>;

const credTags = { id: idSchema.optional(), tags: tagsSchema };

export const keyauthCredentialSchema = z.strictObject({
  ...credTags,
  key: capped(MAX_LENGTH.secret).optional(),
  key_hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be a lower-case hex HMAC-SHA256 (64 characters)")
    .optional(),
  ttl: z.number().optional(),
});

export const basicauthCredentialSchema = z.strictObject({
  ...credTags,
  username: capped(MAX_LENGTH.identifier),
  password: capped(MAX_LENGTH.secret).optional(),
  password_hash: capped(MAX_LENGTH.secret).optional(),
});

export const jwtSecretSchema = z.strictObject({
  ...credTags,
  key: capped(MAX_LENGTH.jwtKey),
  secret: z
    .string()
    .max(MAX_LENGTH.secret, `must be at most ${MAX_LENGTH.secret} characters`)
    .optional(),
  algorithm: z.enum(JWT_ALGORITHMS).optional(),
  rsa_public_key: z
    .string()
    .max(MAX_LENGTH.pem, `must be at most ${MAX_LENGTH.pem} characters`)
    .optional(),
});

export const aclSchema = z.strictObject({
  ...credTags,
  group: capped(MAX_LENGTH.identifier),
});

export const consumerSchema = z.strictObject({
  id: idSchema.optional(),
  username: capped(MAX_LENGTH.identifier).optional(),
  custom_id: capped(MAX_LENGTH.identifier).optional(),
  tags: tagsSchema,
  keyauth_credentials: z.array(keyauthCredentialSchema).optional(),
  basicauth_credentials: z.array(basicauthCredentialSchema).optional(),
  jwt_secrets: z.array(jwtSecretSchema).optional(),
  acls: z.array(aclSchema).optional(),
  plugins: z.array(pluginSchema).optional(),
});
export type ConsumerDoc = z.infer<typeof consumerSchema>;

export const targetSchema = z.strictObject({
  id: idSchema.optional(),
  target: capped(MAX_LENGTH.target),
  weight: z
    .number()
    .int("must be an integer")
    .min(0, "must be between 0 and 65535")
    .max(65535, "must be between 0 and 65535")
    .optional(),
  tags: tagsSchema,
});

export const upstreamSchema = z.strictObject({
  id: idSchema.optional(),
  name: hostSchema,
  /** Kong's: the Host header sent to the targets (default: the upstream's name) */
  host_header: hostSchema.nullable().optional(),
  ...upstreamFields,
  tags: tagsSchema,
  targets: z.array(targetSchema).optional(),
});
export type UpstreamDoc = z.infer<typeof upstreamSchema>;

/** An SNI (Kong's `snis`): a hostname or `*.example.com`, pointing at its certificate. */
const sniNameSchema = z
  .string()
  .max(ROUTE_HOST_MAX, `must be at most ${ROUTE_HOST_MAX} characters`)
  .refine((n) => sniName(n) !== null, ERR_SNI_NAME);
export const sniSchema = z.union([
  sniNameSchema,
  z.strictObject({ id: idSchema.optional(), name: sniNameSchema, tags: tagsSchema }),
]);

/** decK's `certificates[]`: a certificate, its key, an optional ECDSA/RSA alternative, its SNIs. */
export const certificateSchema = z.strictObject({
  id: idSchema.optional(),
  cert: pemSchema,
  key: pemSchema,
  cert_alt: pemSchema.optional(),
  key_alt: pemSchema.optional(),
  tags: tagsSchema,
  snis: z.array(sniSchema).optional(),
});
export type CertificateDoc = z.infer<typeof certificateSchema>;

/** Kong's `ca_certificates[]`: a CA the upstreams' certificates are verified against. */
export const caCertificateSchema = z.strictObject({
  id: idSchema.optional(),
  cert: pemSchema,
  cert_digest: z
    .string()
    .regex(
      /^[0-9a-f]{64}$/,
      "must be the lower-case hex SHA-256 of the certificate (64 characters)",
    )
    .optional(),
  tags: tagsSchema,
});
export type CaCertificateDoc = z.infer<typeof caCertificateSchema>;

/** `upstream_deny`: the rules (see upstream-deny.ts), each checked with its reason. */
export const upstreamDenySchema = z
  .array(
    z.string().superRefine((s, ctx) => {
      const r = parseUpstreamDenyRule(s);
      if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
    }),
  )
  .max(1000, "must have at most 1000 rules");

export const documentSchema = z.strictObject({
  _format_version: z.enum(["1.1", "2.1", "3.0"], { error: 'must be "3.0" (or "1.1", "2.1")' }),
  _transform: z.boolean().optional(),
  _info: z.record(z.string(), z.unknown()).optional(),
  _workspace: z
    .string()
    .max(MAX_LENGTH.name, `must be at most ${MAX_LENGTH.name} characters`)
    .optional(),
  services: z.array(serviceSchema).optional(),
  routes: z.array(topRouteSchema).optional(),
  consumers: z.array(consumerSchema).optional(),
  upstreams: z.array(upstreamSchema).optional(),
  certificates: z.array(certificateSchema).optional(),
  ca_certificates: z.array(caCertificateSchema).optional(),
  plugins: z.array(pluginSchema).optional(),
  /** Gatehouse extension: addresses the data plane never connects to (see upstream-deny.ts) */
  upstream_deny: upstreamDenySchema.optional(),
});
export type DeclarativeDocument = z.infer<typeof documentSchema>;
