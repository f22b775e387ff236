import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { AclConfig } from "./schema.js";
import { aclSchema } from "./schema.js";

export const ERR_FORBIDDEN = "You cannot consume this service";
export const ERR_UNAUTHORIZED = "Unauthorized";

/**
 * kit.ctx key where an authentication plugin without consumers (ldap-style) may put the client's
 * groups (string[]); Kong's kong.ctx.shared.authenticated_groups.
 */
export const AUTHENTICATED_GROUPS = "authenticated_groups";

function authenticatedGroups(kit: Kit): string[] | undefined {
  const v = kit.ctx.get(AUTHENTICATED_GROUPS);
  return Array.isArray(v) && v.length > 0 ? v.map(String) : undefined;
}

function access(kit: Kit, conf: AclConfig): void {
  const deny = (conf.deny?.length ?? 0) > 0;
  const listed = new Set(deny ? conf.deny : conf.allow);
  const consumer = kit.client.getConsumer();
  const credential = kit.client.getCredential();

  let groups: readonly string[] | undefined;
  let header = "X-Consumer-Groups";
  const fromAuth =
    !consumer || !credential || conf.always_use_authenticated_groups
      ? authenticatedGroups(kit)
      : undefined;
  if (fromAuth) {
    groups = fromAuth;
    header = "X-Authenticated-Groups";
  } else if (consumer) {
    groups = kit.credentials.consumerGroups?.(consumer.id);
    if (!groups || groups.length === 0) {
      if (deny) groups = [];
      else if (credential) return kit.response.error(403, ERR_FORBIDDEN);
      else return kit.response.error(401, ERR_UNAUTHORIZED);
    }
  } else {
    // nobody authenticated: an authentication plugin must run first
    if (credential) return kit.response.error(403, ERR_FORBIDDEN);
    return kit.response.error(401, ERR_UNAUTHORIZED);
  }

  const inList = groups.some((g) => listed.has(g));
  if (deny ? inList : !inList) return kit.response.error(403, ERR_FORBIDDEN);
  // hidden: a client-sent header of that name must not reach the upstream either; a consumer
  // without groups (deny mode, e.g. an anonymous consumer) gets an empty header, as in Kong
  if (conf.hide_groups_header) kit.request.clearHeader(header);
  else kit.request.setHeader(header, groups.join(", "));
}

export const acl = definePlugin({
  name: "acl",
  version: "1.0.0",
  priority: 950,
  configSchema: aclSchema,
  phases: { access },
  meta: {
    title: "ACL",
    category: "security",
    summary: "Allows or denies authenticated consumers by their groups.",
    readme: readme(new URL("./README.md", import.meta.url)),
    icon: "users",
    scopes: ["global", "service", "route"],
  },
});
