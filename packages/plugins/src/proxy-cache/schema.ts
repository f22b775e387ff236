import { z } from "zod";
import { headerName, intBetween } from "../shared/fields.js";
import { REDIS_DEFAULTS, redisSchema } from "../shared/redis-schema.js";

export const METHODS = ["HEAD", "GET", "POST", "PATCH", "PUT"] as const;
export const STRATEGIES = ["memory", "redis"] as const;
export const ERR_REQUIRED = "required field missing";

/**
 * A list of integers (Kong's `elements = { type = "integer", between = ... }`, `len_min = 1`). Its JSON
 * Schema has no type, so the admin form edits it as a JSON value (the form has no control for lists of
 * numbers); a transform here would drop the field's default and example from the JSON Schema.
 */
function integerList(min: number, max: number) {
  return z
    .unknown()
    .pipe(
      z
        .array(intBetween(min, max), { error: "expected an array of integers" })
        .min(1, { error: "length must be at least 1" }),
    );
}

const positiveInt = () =>
  z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .gt(0, { error: "value must be greater than 0" });

export const proxyCacheSchema = z
  .object({
    response_code: integerList(100, 900)
      .default([200, 301, 404])
      .describe("Upstream response status codes considered cacheable.")
      .meta({ examples: [[200, 203]] }),
    request_method: z
      .array(z.enum(METHODS, { error: `expected one of: ${METHODS.join(", ")}` }))
      .default(["GET", "HEAD"])
      .describe("Downstream request methods considered cacheable."),
    content_type: z
      .array(z.string().min(1, { error: "must not be empty" }))
      .default(["text/plain", "application/json"])
      .describe(
        "Upstream response content types considered cacheable: type, subtype and parameters must all match (* matches any type or subtype).",
      )
      .meta({ examples: [["application/json; charset=utf-8"]] }),
    cache_ttl: positiveInt().default(300).describe("TTL, in seconds, of cache entities."),
    strategy: z
      .enum(STRATEGIES, { error: `expected one of: ${STRATEGIES.join(", ")}` })
      .default("memory")
      .describe(
        "The backing data store in which to hold cache entities: memory (this data plane) or redis (shared by every data plane using the same Redis).",
      ),
    cache_control: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe("When enabled, respect the Cache-Control behaviors defined in RFC 7234."),
    ignore_uri_case: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe("Lower-case the request URI in the cache key (/Foo and /foo share an entry)."),
    storage_ttl: positiveInt()
      .nullish()
      .describe(
        "Number of seconds to keep resources in the storage backend, independently of cache_ttl or the TTLs of Cache-Control.",
      ),
    memory: z
      .object({
        dictionary_name: z
          .string()
          .min(1, { error: "must not be empty" })
          .default("kong_db_cache")
          .describe(
            "Name of the in-memory cache the entries are kept in (instances naming the same one share it).",
          ),
      })
      .strict()
      .default({ dictionary_name: "kong_db_cache" })
      .describe("Settings of the memory strategy."),
    redis: redisSchema
      .default(REDIS_DEFAULTS)
      .describe("Redis connection of the redis strategy (host required with strategy redis)."),
    vary_query_params: z
      .array(z.string().min(1, { error: "must not be empty" }))
      .nullish()
      .describe(
        "Query parameters considered for the cache key. If unset, all parameters are taken into consideration.",
      )
      .meta({ examples: [["page"]] }),
    vary_headers: z
      .array(headerName)
      .nullish()
      .describe(
        "Request headers considered for the cache key. If unset, none of the headers are taken into consideration.",
      )
      .meta({ examples: [["Accept-Language"]] }),
    response_headers: z
      .object({
        age: z.boolean().default(true).describe("Send the Age header on cache hits."),
        "X-Cache-Status": z
          .boolean()
          .default(true)
          .describe("Send X-Cache-Status (Miss, Hit, Refresh, Bypass)."),
        "X-Cache-Key": z.boolean().default(true).describe("Send X-Cache-Key (the entry's key)."),
      })
      .strict()
      .default({ age: true, "X-Cache-Status": true, "X-Cache-Key": true })
      .describe("Caching related diagnostic headers included in responses."),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.strategy === "redis" && c.redis.host == null)
      ctx.addIssue({ code: "custom", path: ["redis", "host"], message: ERR_REQUIRED });
  });

export type ProxyCacheConfig = z.output<typeof proxyCacheSchema>;
