import { z } from "zod";

/**
 * Upstreams and targets, Kong's entities (kong/db/schema/entities/upstreams.lua, targets.lua):
 * field names, value ranges and defaults are Kong's, so a decK file moves over unchanged.
 */

export const UPSTREAM_ALGORITHMS = [
  "round-robin",
  "least-connections",
  "consistent-hashing",
  "latency",
] as const;
export type UpstreamAlgorithm = (typeof UPSTREAM_ALGORITHMS)[number];

export const HASH_ON = [
  "none",
  "consumer",
  "ip",
  "header",
  "cookie",
  "path",
  "query_arg",
  "uri_capture",
] as const;
export type HashOn = (typeof HASH_ON)[number];

/** Kong's default health-check configuration: every check off (intervals and counters 0). */
export const DEFAULT_HEALTHCHECKS = {
  active: {
    type: "http" as "http" | "https" | "tcp",
    timeout: 1,
    concurrency: 10,
    http_path: "/",
    https_sni: null as string | null,
    https_verify_certificate: true,
    headers: null as Record<string, string[]> | null,
    healthy: { interval: 0, successes: 0, http_statuses: [200, 302] },
    unhealthy: {
      interval: 0,
      http_failures: 0,
      tcp_failures: 0,
      timeouts: 0,
      http_statuses: [429, 404, 500, 501, 502, 503, 504, 505],
    },
  },
  passive: {
    type: "http" as "http" | "https" | "tcp",
    healthy: {
      successes: 0,
      http_statuses: [
        200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 306, 307,
        308,
      ],
    },
    unhealthy: { http_failures: 0, tcp_failures: 0, timeouts: 0, http_statuses: [429, 500, 503] },
  },
  threshold: 0,
};
export type Healthchecks = typeof DEFAULT_HEALTHCHECKS;

const MAX_INT = 2 ** 31;
const seconds = z
  .number()
  .min(0, "must be between 0 and 65535 (seconds)")
  .max(65535, "must be between 0 and 65535 (seconds)");
const counter = z
  .number()
  .int("must be an integer")
  .min(0, `must be between 0 and ${MAX_INT}`)
  .max(MAX_INT, `must be between 0 and ${MAX_INT}`);
const statuses = z.array(
  z
    .number()
    .int("must be an integer")
    .min(100, "must be between 100 and 999")
    .max(999, "must be between 100 and 999"),
);
const checkType = z.enum(["http", "https", "tcp"], { error: 'must be "http", "https" or "tcp"' });
const headerName = z
  .string()
  .min(1, "must not be empty")
  .max(256, "must be at most 256 characters")
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be a valid header name");
const absPath = z
  .string()
  .max(2048, "must be at most 2048 characters")
  .refine((p) => p.startsWith("/"), 'must start with "/"');
const shortName = z.string().min(1, "must not be empty").max(256, "must be at most 256 characters");

export const healthchecksSchema = z.strictObject({
  active: z
    .strictObject({
      type: checkType.optional(),
      timeout: seconds.optional(),
      concurrency: z
        .number()
        .int("must be an integer")
        .min(1, `must be between 1 and ${MAX_INT}`)
        .max(MAX_INT, `must be between 1 and ${MAX_INT}`)
        .optional(),
      http_path: absPath.optional(),
      https_sni: z.string().max(255).nullable().optional(),
      https_verify_certificate: z.boolean().optional(),
      headers: z.record(z.string(), z.array(z.string())).nullable().optional(),
      healthy: z
        .strictObject({
          interval: seconds.optional(),
          successes: counter.optional(),
          http_statuses: statuses.optional(),
        })
        .optional(),
      unhealthy: z
        .strictObject({
          interval: seconds.optional(),
          http_failures: counter.optional(),
          tcp_failures: counter.optional(),
          timeouts: counter.optional(),
          http_statuses: statuses.optional(),
        })
        .optional(),
    })
    .optional(),
  passive: z
    .strictObject({
      type: checkType.optional(),
      healthy: z
        .strictObject({ successes: counter.optional(), http_statuses: statuses.optional() })
        .optional(),
      unhealthy: z
        .strictObject({
          http_failures: counter.optional(),
          tcp_failures: counter.optional(),
          timeouts: counter.optional(),
          http_statuses: statuses.optional(),
        })
        .optional(),
    })
    .optional(),
  threshold: z
    .number()
    .min(0, "must be between 0 and 100")
    .max(100, "must be between 0 and 100")
    .optional(),
});
export type HealthchecksInput = z.infer<typeof healthchecksSchema>;

export const upstreamFields = {
  algorithm: z
    .enum(UPSTREAM_ALGORITHMS, {
      error: `must be one of ${UPSTREAM_ALGORITHMS.map((a) => JSON.stringify(a)).join(", ")}`,
    })
    .optional(),
  hash_on: z.enum(HASH_ON, { error: `must be one of ${HASH_ON.join(", ")}` }).optional(),
  hash_fallback: z.enum(HASH_ON, { error: `must be one of ${HASH_ON.join(", ")}` }).optional(),
  hash_on_header: headerName.nullable().optional(),
  hash_fallback_header: headerName.nullable().optional(),
  hash_on_cookie: z
    .string()
    .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be a valid cookie name")
    .max(256, "must be at most 256 characters")
    .nullable()
    .optional(),
  hash_on_cookie_path: absPath.optional(),
  hash_on_query_arg: shortName.nullable().optional(),
  hash_fallback_query_arg: shortName.nullable().optional(),
  hash_on_uri_capture: shortName.nullable().optional(),
  hash_fallback_uri_capture: shortName.nullable().optional(),
  slots: z
    .number()
    .int("must be an integer")
    .min(10, "must be between 10 and 65536")
    .max(65536, "must be between 10 and 65536")
    .optional(),
  healthchecks: healthchecksSchema.optional(),
};

/** Deep merge of a (partial) health-check configuration over Kong's defaults. */
export function healthchecksWithDefaults(input: HealthchecksInput | undefined): Healthchecks {
  const d = DEFAULT_HEALTHCHECKS;
  const a = input?.active;
  const p = input?.passive;
  return {
    active: {
      type: a?.type ?? d.active.type,
      timeout: a?.timeout ?? d.active.timeout,
      concurrency: a?.concurrency ?? d.active.concurrency,
      http_path: a?.http_path ?? d.active.http_path,
      https_sni: a?.https_sni ?? d.active.https_sni,
      https_verify_certificate: a?.https_verify_certificate ?? d.active.https_verify_certificate,
      headers: a?.headers ?? d.active.headers,
      healthy: { ...d.active.healthy, ...definedOnly(a?.healthy) },
      unhealthy: { ...d.active.unhealthy, ...definedOnly(a?.unhealthy) },
    },
    passive: {
      type: p?.type ?? d.passive.type,
      healthy: { ...d.passive.healthy, ...definedOnly(p?.healthy) },
      unhealthy: { ...d.passive.unhealthy, ...definedOnly(p?.unhealthy) },
    },
    threshold: input?.threshold ?? d.threshold,
  };
}

function definedOnly<T extends object>(o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
