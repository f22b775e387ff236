import { z } from "zod";
import { anonymousField, realmField } from "../shared/consumer.js";

export const basicAuthSchema = z
  .object({
    anonymous: anonymousField,
    hide_credentials: z
      .boolean()
      .default(false)
      .describe("Remove the Authorization / Proxy-Authorization header before proxying."),
    realm: realmField,
  })
  .strict();

export type BasicAuthConfig = z.output<typeof basicAuthSchema>;
