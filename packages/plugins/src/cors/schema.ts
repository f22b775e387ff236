import { z } from "zod";
import { headerName } from "../shared/fields.js";

export const CORS_METHODS = [
  "GET",
  "HEAD",
  "PUT",
  "PATCH",
  "POST",
  "DELETE",
  "OPTIONS",
  "TRACE",
  "CONNECT",
] as const;

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

const origin = z
  .string()
  .min(1, { error: "must not be empty" })
  .refine((s) => s === "*" || isRegex(s), {
    error: (i) => `'${String(i.input)}' is not a valid regex`,
  });

export const corsSchema = z
  .object({
    origins: z
      .array(origin)
      .nullish()
      .describe(
        'Allowed origins: "*", exact origins (https://example.com) or regexes (https://.*\\.example\\.com). Empty = "*".',
      )
      .meta({ examples: [["https://example.com", "https://.*\\.example\\.com"]] }),
    headers: z
      .array(headerName)
      .nullish()
      .describe(
        "Access-Control-Allow-Headers of preflights (default: the request's Access-Control-Request-Headers).",
      )
      .meta({ examples: [["Content-Type", "Authorization"]] }),
    exposed_headers: z
      .array(headerName)
      .nullish()
      .describe("Access-Control-Expose-Headers: response headers the browser may read.")
      .meta({ examples: [["X-Request-Id"]] }),
    methods: z
      .array(
        z.enum(CORS_METHODS, {
          error: `expected one of: ${CORS_METHODS.join(", ")}`,
        }),
      )
      .nullish()
      .default([...CORS_METHODS])
      .describe("Access-Control-Allow-Methods of preflights (null: every method, as Kong).")
      .meta({ uniqueItems: true }),
    max_age: z
      .number({ error: "expected a number" })
      .min(0, { error: "must be at least 0" })
      .nullish()
      .describe("Access-Control-Max-Age: seconds a preflight may be cached.")
      .meta({ examples: [3600] }),
    credentials: z
      .boolean()
      .default(false)
      .describe('Send Access-Control-Allow-Credentials: true (with "*", the origin is echoed).'),
    private_network: z
      .boolean()
      .default(false)
      .describe(
        "Answer Access-Control-Request-Private-Network: true with Access-Control-Allow-Private-Network: true.",
      ),
    preflight_continue: z
      .boolean()
      .default(false)
      .describe("Proxy preflight requests to the upstream instead of answering them."),
    allow_origin_absent: z
      .boolean()
      .default(true)
      .describe("Also add CORS headers to responses of requests without an Origin header."),
  })
  .strict();

export type CorsConfig = z.output<typeof corsSchema>;
