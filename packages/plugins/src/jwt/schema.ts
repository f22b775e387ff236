import { z } from "zod";
import { anonymousField, realmField } from "../shared/consumer.js";
import { headerName } from "../shared/fields.js";

export const ERR_MAX_EXP_NEEDS_EXP = "must contain 'exp' when maximum_expiration is greater than 0";

const unique = <T>(list: readonly T[]): boolean => new Set(list).size === list.length;
const set = <T extends z.ZodType<string>>(item: T) =>
  z
    .array(item)
    .refine(unique, { error: "must not contain duplicates" })
    .meta({ uniqueItems: true });

const name = z.string().min(1, { error: "must not be empty" });

export const jwtSchema = z
  .object({
    uri_param_names: set(name)
      .default(["jwt"])
      .describe("Query string arguments that may carry the token."),
    cookie_names: set(name).default([]).describe("Cookies that may carry the token."),
    header_names: set(headerName)
      .default(["authorization"])
      .describe("Headers that may carry the token as `Bearer <token>`."),
    key_claim_name: name
      .default("iss")
      .describe("Claim (or token header field) naming the consumer's jwt secret `key`."),
    secret_is_base64: z
      .boolean()
      .default(false)
      .describe("The credentials' HMAC (HS*) secrets are base64 encoded (public keys never are)."),
    claims_to_verify: set(z.enum(["exp", "nbf"], { error: "expected one of: exp, nbf" }))
      .nullish()
      .describe("Registered claims to verify: exp (expiry), nbf (not before)."),
    anonymous: anonymousField,
    run_on_preflight: z
      .boolean()
      .default(true)
      .describe("Also authenticate OPTIONS preflight requests."),
    maximum_expiration: z
      .number({ error: "expected a number" })
      .min(0, { error: "value should be between 0 and 31536000" })
      .max(31536000, { error: "value should be between 0 and 31536000" })
      .default(0)
      .describe("Refuse tokens whose exp is more than this many seconds ahead (0 = no limit)."),
    realm: realmField,
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.maximum_expiration > 0 && !(c.claims_to_verify ?? []).includes("exp")) {
      ctx.addIssue({ code: "custom", path: ["claims_to_verify"], message: ERR_MAX_EXP_NEEDS_EXP });
    }
  });

export type JwtConfig = z.output<typeof jwtSchema>;
