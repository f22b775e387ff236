import { z } from "zod";
import { headerName, headerValue } from "../shared/fields.js";

export const keyAuthSchema = z
  .object({
    key_names: z
      .array(headerName)
      .min(1, { error: "at least one key name is required" })
      .default(["apikey"])
      .describe("Header, query argument or body field names that may carry the key."),
    hide_credentials: z
      .boolean()
      .default(false)
      .describe("Remove the key from the request before proxying."),
    anonymous: z
      .string()
      .nullish()
      .describe("Consumer id or username to use when authentication fails (instead of a 401)."),
    key_in_header: z.boolean().default(true).describe("Look for the key in request headers."),
    key_in_query: z.boolean().default(true).describe("Look for the key in the query string."),
    key_in_body: z
      .boolean()
      .default(false)
      .describe("Look for the key in a JSON, urlencoded or multipart/form-data body."),
    run_on_preflight: z
      .boolean()
      .default(true)
      .describe("Also authenticate OPTIONS preflight requests."),
    realm: headerValue
      .refine((s) => !s.includes('"'), { error: "must not contain a double quote" })
      .nullish()
      .describe(
        'Realm of the WWW-Authenticate challenge: `Key realm="<realm>"`; without it the challenge is a bare `Key`, as in Kong.',
      ),
  })
  .strict();

export type KeyAuthConfig = z.output<typeof keyAuthSchema>;
