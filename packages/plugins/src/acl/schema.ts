import { z } from "zod";

export const ERR_ONLY_ONE =
  "only one of these fields must be non-empty: 'config.allow', 'config.deny'";
export const ERR_AT_LEAST_ONE =
  "at least one of these fields must be non-empty: 'config.allow', 'config.deny'";

const group = z.string().min(1, { error: "must not be empty" });

export const aclSchema = z
  .object({
    allow: z
      .array(group)
      .nullish()
      .describe("Groups allowed (consumers in none of them are refused). Exclusive with deny.")
      .meta({ examples: [["admins", "partners"]], exclusiveWith: ["deny"] }),
    deny: z
      .array(group)
      .nullish()
      .describe("Groups refused (consumers in any of them are refused). Exclusive with allow.")
      .meta({ examples: [["blocked"]], exclusiveWith: ["allow"] }),
    hide_groups_header: z
      .boolean()
      .default(false)
      .describe("Do not send the X-Consumer-Groups header upstream."),
    always_use_authenticated_groups: z
      .boolean()
      .default(false)
      .describe(
        "Use the groups set by an authentication plugin (authenticated groups) even when a consumer is authenticated.",
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    const allow = (c.allow?.length ?? 0) > 0;
    const deny = (c.deny?.length ?? 0) > 0;
    if (allow && deny) ctx.addIssue({ code: "custom", path: [], message: ERR_ONLY_ONE });
    if (!allow && !deny) ctx.addIssue({ code: "custom", path: [], message: ERR_AT_LEAST_ONE });
  });

export type AclConfig = z.output<typeof aclSchema>;
