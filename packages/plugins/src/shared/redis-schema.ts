import { z } from "zod";
import { intBetween } from "./fields.js";

/**
 * Kong's shared `redis` record (kong.tools.redis.schema): the connection fields of every plugin that
 * keeps state in Redis (rate-limiting's policy redis, proxy-cache's strategy redis).
 */
export const redisSchema = z
  .object({
    host: z
      .string()
      .regex(/^[^\s/:@]+$/, { error: "invalid hostname" })
      .nullish()
      .describe("Redis host (required when Redis is used).")
      .meta({ examples: ["127.0.0.1"] }),
    port: intBetween(0, 65535).default(6379).describe("Redis port."),
    timeout: intBetween(0, 2147483646)
      .default(2000)
      .describe("Milliseconds to connect and to wait for each Redis command (default 2000)."),
    username: z.string().nullish().describe("Redis ACL user (Redis 6+); no AUTH user when unset."),
    password: z
      .string()
      .nullish()
      .describe("Redis password; no AUTH when unset.")
      .meta({ secret: true }),
    database: z
      .number({ error: "expected an integer" })
      .int({ error: "expected an integer" })
      .min(0, { error: "value must be greater than or equal to 0" })
      .default(0)
      .describe("Redis database number."),
    ssl: z.boolean({ error: "expected a boolean" }).default(false).describe("Connect with TLS."),
    ssl_verify: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe("Verify the Redis server's TLS certificate."),
    server_name: z.string().nullish().describe("SNI name sent to the Redis server with TLS."),
  })
  .strict();

/** The `redis` record's defaults (what an absent record means). */
export const REDIS_DEFAULTS = {
  port: 6379,
  timeout: 2000,
  database: 0,
  ssl: false,
  ssl_verify: false,
} as const;

export type RedisConfig = z.output<typeof redisSchema>;
