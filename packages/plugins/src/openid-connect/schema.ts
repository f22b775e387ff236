import { z } from "zod";
import { anonymousField } from "../shared/consumer.js";
import { headerName, httpUrl, intBetween } from "../shared/fields.js";

export const ERR_HEADERS_LENGTH = "must have as many entries as upstream_headers_claims";

const unique = <T>(list: readonly T[]): boolean => new Set(list).size === list.length;
const name = z.string().min(1, { error: "must not be empty" });

export const CONSUMER_BY = ["id", "username", "custom_id"] as const;

/** Kong's openid-connect fields for bearer tokens (its other flows need a browser). */
export const openidConnectSchema = z
  .object({
    issuer: httpUrl
      .describe(
        "The identity provider's issuer URL: tokens must carry it as `iss`; its JWKS is discovered at <issuer>/.well-known/openid-configuration unless jwks_uri is set.",
      )
      .meta({ examples: ["https://login.example.com/realms/main"] }),
    jwks_uri: httpUrl
      .nullish()
      .describe("URL of the issuer's JSON Web Key Set; empty: found by discovery from the issuer.")
      .meta({ examples: ["https://login.example.com/realms/main/protocol/openid-connect/certs"] }),
    audience_required: z
      .array(name)
      .refine(unique, { error: "must not contain duplicates" })
      .default([])
      .describe("The token's aud claim must contain one of these (empty: aud is not checked)."),
    scopes_required: z
      .array(name)
      .default([])
      .describe(
        'Scopes the token must have: each entry is a space-separated set that must all be present, one entry suffices ("read write" needs both).',
      ),
    leeway: intBetween(0, 3600)
      .default(0)
      .describe("Seconds of clock skew tolerated when checking exp and nbf."),
    consumer_claim: z
      .array(name)
      .min(1, { error: "must not be empty" })
      .nullish()
      .describe(
        "Claim (a path: [user, name] is claims.user.name) whose value names the consumer; empty: no consumer mapping.",
      )
      .meta({ examples: [["sub"]] }),
    consumer_by: z
      .array(z.enum(CONSUMER_BY, { error: "expected one of: id, username, custom_id" }))
      .min(1, { error: "must not be empty" })
      .refine(unique, { error: "must not contain duplicates" })
      .meta({ uniqueItems: true })
      .default(["username", "custom_id"])
      .describe("Consumer fields the consumer_claim value is matched against."),
    consumer_optional: z
      .boolean()
      .default(false)
      .describe(
        "Let a valid token through when no consumer matches consumer_claim (otherwise 403).",
      ),
    anonymous: anonymousField,
    upstream_headers_claims: z
      .array(name)
      .default([])
      .describe(
        "Top-level claims forwarded to the upstream, one header each (see upstream_headers_names).",
      ),
    upstream_headers_names: z
      .array(headerName)
      .default([])
      .describe("Header names for upstream_headers_claims, in the same order."),
    rediscovery_lifetime: intBetween(0, 86400)
      .default(30)
      .describe(
        "Seconds after a JWKS fetch before a token with an unknown kid may trigger another fetch.",
      ),
    timeout: intBetween(1, 600_000)
      .default(10_000)
      .describe("Milliseconds for a discovery or JWKS request to the issuer."),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.upstream_headers_names.length !== c.upstream_headers_claims.length) {
      ctx.addIssue({
        code: "custom",
        path: ["upstream_headers_names"],
        message: ERR_HEADERS_LENGTH,
      });
    }
  });

export type OpenidConnectConfig = z.output<typeof openidConnectSchema>;
