import { z } from "zod";
import {
  deprecatedQueueFields,
  headerName,
  headerValue,
  httpUrl,
  int,
  moveDeprecatedQueueFields,
  queueSchema,
} from "../shared/fields.js";

export { queueSchema };
export type { QueueConfig } from "../shared/fields.js";

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
    ...deprecatedQueueFields,
  })
  .strict()
  .transform(moveDeprecatedQueueFields);

export type HttpLogConfig = z.output<typeof httpLogSchema>;
