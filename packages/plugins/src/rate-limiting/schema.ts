import { z } from "zod";
import { headerName, intBetween } from "../shared/fields.js";
import { REDIS_DEFAULTS, redisSchema } from "../shared/redis-schema.js";

export const PERIODS = ["second", "minute", "hour", "day", "month", "year"] as const;
export type Period = (typeof PERIODS)[number];

export const ERR_AT_LEAST_ONE_PERIOD = `at least one of these fields must be non-empty: ${PERIODS.map(
  (p) => `'config.${p}'`,
).join(", ")}`;
export const ERR_REQUIRED = "required field missing";

const LIMIT_BY = ["consumer", "credential", "ip", "service", "header", "path"] as const;

const limit = (period: Period) =>
  z
    .number({ error: "expected a number" })
    .gt(0, { error: "value must be greater than 0" })
    .nullish()
    .describe(`Number of requests allowed per ${period}.`);

function fmt1(n: number): string {
  return n.toFixed(1);
}

/** Kong's SYNC_RATE_REALTIME: every request counts in Redis at once. */
export const SYNC_RATE_REALTIME = -1;

/**
 * Kong 3.9's deprecated flat Redis fields (schema shorthand_fields, to be removed in Kong 4.0): accepted on
 * input, moved into `redis.*` before the config is stored, never shown in forms (`deprecated`).
 */
const FLAT_REDIS = {
  redis_host: ["host", redisSchema.shape.host.unwrap().unwrap()],
  redis_port: ["port", intBetween(0, 65535)],
  redis_password: ["password", z.string()],
  redis_username: ["username", z.string()],
  redis_database: ["database", redisSchema.shape.database.unwrap()],
  redis_timeout: ["timeout", intBetween(0, 2147483646)],
  redis_ssl: ["ssl", z.boolean({ error: "expected a boolean" })],
  redis_ssl_verify: ["ssl_verify", z.boolean({ error: "expected a boolean" })],
  redis_server_name: ["server_name", z.string()],
} as const;
type FlatRedisField = keyof typeof FLAT_REDIS;

const flatRedisFields = Object.fromEntries(
  Object.entries(FLAT_REDIS).map(([flat, [field, schema]]) => [
    flat,
    schema
      .nullish()
      .describe(`Deprecated (Kong): use redis.${field}; moved there when the config is saved.`)
      .meta(field === "password" ? { deprecated: true, secret: true } : { deprecated: true }),
  ]),
) as { [K in FlatRedisField]: z.ZodOptional<z.ZodNullable<(typeof FLAT_REDIS)[K][1]>> };

export const rateLimitingSchema = z
  .object({
    second: limit("second"),
    minute: limit("minute"),
    hour: limit("hour"),
    day: limit("day"),
    month: limit("month"),
    year: limit("year"),
    limit_by: z
      .enum(LIMIT_BY, { error: `expected one of: ${LIMIT_BY.join(", ")}` })
      .default("consumer")
      .describe(
        "What is counted: the consumer (falls back to the credential, then the client IP), the credential, " +
          "the client IP, the service, a request header (header_name) or one path (path).",
      ),
    header_name: headerName.nullish().describe("Header counted with limit_by header."),
    path: z
      .string()
      .startsWith("/", { error: "should start with: /" })
      .nullish()
      .describe("Path counted with limit_by path (other paths are counted by client IP).")
      .meta({ examples: ["/login"] }),
    policy: z
      .enum(["local", "redis"], { error: "expected one of: local, redis" })
      .default("local")
      .describe("Where counters live: local (this data plane's memory) or redis (shared)."),
    fault_tolerant: z
      .boolean({ error: "expected a boolean" })
      .default(true)
      .describe("When Redis fails: proxy without limiting (true) or answer 500 (false)."),
    redis: redisSchema.default(REDIS_DEFAULTS).describe("Redis connection (policy redis)."),
    hide_client_headers: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe("Do not send the RateLimit-* and X-RateLimit-* headers."),
    error_code: intBetween(400, 599).default(429).describe("Status when the limit is exceeded."),
    error_message: z
      .string()
      .default("API rate limit exceeded")
      .describe("Message when the limit is exceeded."),
    sync_rate: z
      .number({ error: "expected a number" })
      .default(SYNC_RATE_REALTIME)
      .describe(
        "Seconds between flushes of this data plane's counts to Redis (policy redis): requests are counted " +
          "locally and sent in batches. -1 (default): every request counts in Redis at once.",
      )
      .meta({ examples: [1] }),
    ...flatRedisFields,
  })
  .strict()
  .transform((input) => {
    // Kong's shorthand_fields: a flat field wins over the same redis.* field
    const { redis, ...rest } = input;
    const out = { ...rest, redis: { ...redis } };
    for (const flat of Object.keys(FLAT_REDIS) as FlatRedisField[]) {
      const v = input[flat];
      delete (out as Partial<typeof out>)[flat];
      if (v == null) continue;
      const field = FLAT_REDIS[flat][0];
      (out.redis as Record<string, unknown>)[field] = v;
    }
    return out as Omit<typeof out, FlatRedisField>;
  })
  .superRefine((c, ctx) => {
    const set = PERIODS.filter((p) => c[p] != null);
    if (set.length === 0) {
      ctx.addIssue({ code: "custom", path: [], message: ERR_AT_LEAST_ONE_PERIOD });
    }
    // Kong's validate_periods_order: a longer period may not allow fewer requests
    for (let i = 0; i < PERIODS.length; i++) {
      const lower = PERIODS[i] as Period;
      const v1 = c[lower];
      if (v1 == null) continue;
      for (let j = i + 1; j < PERIODS.length; j++) {
        const upper = PERIODS[j] as Period;
        const v2 = c[upper];
        if (v2 != null && v2 < v1) {
          ctx.addIssue({
            code: "custom",
            path: [],
            message: `The limit for ${upper}(${fmt1(v2)}) cannot be lower than the limit for ${lower}(${fmt1(v1)})`,
          });
        }
      }
    }
    if (c.limit_by === "header" && c.header_name == null) {
      ctx.addIssue({ code: "custom", path: ["header_name"], message: ERR_REQUIRED });
    }
    if (c.limit_by === "path" && c.path == null) {
      ctx.addIssue({ code: "custom", path: ["path"], message: ERR_REQUIRED });
    }
    if (c.policy === "redis" && c.redis.host == null) {
      ctx.addIssue({ code: "custom", path: ["redis", "host"], message: ERR_REQUIRED });
    }
    // Kong's messages (kong/plugins/rate-limiting/schema.lua)
    if (c.policy !== "redis" && c.sync_rate !== SYNC_RATE_REALTIME) {
      ctx.addIssue({
        code: "custom",
        path: ["sync_rate"],
        message: "sync_rate can only be used with the redis policy",
      });
    } else if (c.sync_rate !== SYNC_RATE_REALTIME && !(c.sync_rate >= 0.02)) {
      ctx.addIssue({
        code: "custom",
        path: ["sync_rate"],
        message: "sync_rate must be greater than 0.02, or -1 to disable",
      });
    }
  });

export type RateLimitingConfig = z.output<typeof rateLimitingSchema>;
