import ipaddr from "ipaddr.js";
import { z } from "zod";
import { intBetween } from "../shared/fields.js";

export function isIpOrCidr(s: string): boolean {
  if (s.includes("/")) {
    try {
      ipaddr.parseCIDR(s);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(s);
}

const ipOrCidr = z
  .string()
  .refine(isIpOrCidr, { error: (i) => `invalid ip or cidr range: '${String(i.input)}'` });

export const ERR_AT_LEAST_ONE =
  "at least one of these fields must be non-empty: 'config.allow', 'config.deny'";

export const ipRestrictionSchema = z
  .object({
    allow: z
      .array(ipOrCidr)
      .nullish()
      .describe("IPv4/IPv6 addresses or CIDR ranges allowed (all others refused).")
      .meta({ examples: [["10.0.0.0/8", "192.168.1.10", "2001:db8::/32"]] }),
    deny: z
      .array(ipOrCidr)
      .nullish()
      .describe("IPv4/IPv6 addresses or CIDR ranges refused.")
      .meta({ examples: [["203.0.113.0/24"]] }),
    status: intBetween(400, 599).nullish().describe("Status of the rejection (default 403)."),
    message: z
      .string()
      .nullish()
      .describe(
        'Message of the rejection (default "IP address not allowed: <client ip>", as Kong).',
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.allow?.length ?? 0) === 0 && (c.deny?.length ?? 0) === 0) {
      ctx.addIssue({ code: "custom", path: [], message: ERR_AT_LEAST_ONE });
    }
  });

export type IpRestrictionConfig = z.output<typeof ipRestrictionSchema>;
