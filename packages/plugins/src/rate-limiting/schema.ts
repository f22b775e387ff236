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
  })
  .strict()
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
  });

export type RateLimitingConfig = z.output<typeof rateLimitingSchema>;
