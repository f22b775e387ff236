import { z } from "zod";
import { headerName, headerValue, httpUrl } from "../shared/fields.js";

const seconds = (min: number, max: number, def: number, what: string) =>
  z
    .number({ error: "expected a number" })
    .min(min, { error: `value should be between ${min} and ${max}` })
    .max(max, { error: `value should be between ${min} and ${max}` })
    .default(def)
    .describe(what);

const int = (min: number, max: number, def: number, what: string) =>
  z
    .number({ error: "expected an integer" })
    .int({ error: "expected an integer" })
    .min(min, { error: `value should be between ${min} and ${max}` })
    .max(max, { error: `value should be between ${min} and ${max}` })
    .default(def)
    .describe(what);

/** Kong's shared queue parameters (seconds for times). */
export const queueSchema = z
  .object({
    max_batch_size: int(1, 1_000_000, 1, "Maximum number of entries sent in one request."),
    max_coalescing_delay: seconds(
      0,
      3600,
      1,
      "Seconds to wait for more entries before sending a batch that is not full.",
    ),
    max_entries: int(
      1,
      1_000_000,
      10_000,
      "Maximum entries waiting; above, the oldest are dropped.",
    ),
    max_retry_time: seconds(
      0,
      1_000_000,
      60,
      "Seconds a failing batch is retried before it is dropped.",
    ),
    initial_retry_delay: seconds(0.001, 1_000_000, 0.01, "Seconds before the first retry."),
    max_retry_delay: seconds(0.001, 1_000_000, 60, "Longest wait between retries, in seconds."),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.initial_retry_delay > q.max_retry_delay)
      ctx.addIssue({
        code: "custom",
        path: ["initial_retry_delay"],
        message: "must not be larger than max_retry_delay",
      });
  });

export type QueueConfig = z.output<typeof queueSchema>;

export const httpLogSchema = z
  .object({
    http_endpoint: httpUrl
      .describe(
        "The HTTP(S) URL log entries are sent to; user:password in the URL becomes Basic authentication.",
      )
      .meta({ examples: ["https://logs.example.com/gatehouse"] }),
    method: z
      .enum(["POST", "PUT", "PATCH"], { error: "expected one of: POST, PUT, PATCH" })
      .default("POST")
      .describe("HTTP method of the requests to the endpoint."),
    content_type: z
      .enum(["application/json", "application/json; charset=utf-8"], {
        error: "expected one of: application/json, application/json; charset=utf-8",
      })
      .default("application/json")
      .describe("Content-Type of the requests to the endpoint."),
    timeout: int(1, 3_600_000, 10_000, "Milliseconds for one request to the endpoint."),
    keepalive: int(
      1,
      3_600_000,
      60_000,
      "Milliseconds an idle connection to the endpoint is kept open.",
    ),
    headers: z
      .record(z.string(), headerValue)
      .superRefine((h, ctx) => {
        for (const name of Object.keys(h)) {
          const r = headerName.safeParse(name);
          if (!r.success)
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: r.error.issues[0]?.message ?? "",
            });
          const l = name.toLowerCase();
          if (l === "host" || l === "content-length" || l === "content-type")
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: `cannot set ${l}: it is computed by the plugin`,
            });
        }
      })
      .nullish()
      .describe("Extra headers sent to the endpoint (e.g. an Authorization token).")
      .meta({ examples: [{ Authorization: "Bearer <token>" }] }),
    queue: queueSchema
      .default(queueSchema.parse({}))
      .describe("Batching and retry of the log entries."),
    custom_fields_by_lua: z
      .unknown()
      .optional()
      .superRefine((v, ctx) => {
        if (v !== undefined && v !== null)
          ctx.addIssue({ code: "custom", message: "not supported in Gatehouse (no Lua runtime)" });
      })
      .describe("Kong's Lua-computed fields: not supported (refused when set).")
      .meta({ deprecated: true }),
  })
  .strict();

export type HttpLogConfig = z.output<typeof httpLogSchema>;
