import { z } from "zod";
import { anonymousField, realmField } from "../shared/consumer.js";

/** Kong's default realm of basic-auth: `WWW-Authenticate: Basic realm="service"`. */
export const BASIC_REALM = "service";

export const basicAuthSchema = z
  .object({
    anonymous: anonymousField,
    hide_credentials: z
      .boolean()
      .default(false)
      .describe("Remove the Authorization / Proxy-Authorization header before proxying."),
    realm: realmField
      .default(BASIC_REALM)
      .describe(`Realm in the WWW-Authenticate header (default "${BASIC_REALM}", as Kong).`),
  })
  .strict();

export type BasicAuthConfig = z.output<typeof basicAuthSchema>;
