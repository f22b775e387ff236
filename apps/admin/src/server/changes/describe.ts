import "server-only";
import type { Tx } from "@/server/changes/types";

type Row = Record<string, unknown> & { id: string };

/** How a row is named in a version message: its name, username, target... else a short id. */
function label(row: Row): string {
  for (const key of ["name", "username", "customId", "target", "group", "key", "instanceName"]) {
    const value = row[key];
    if (typeof value === "string" && value !== "") return value;
  }
  return row.id.slice(0, 8);
}

/** `route ev-route`, `service billing`, `consumer bob`, or `globally` for a plugin's scope. */
async function pluginScope(tx: Tx, row: Row): Promise<string> {
  if (typeof row.routeId === "string") {
    const r = await tx.route.findUnique({ where: { id: row.routeId } });
    return `on route ${r?.name ?? row.routeId.slice(0, 8)}`;
  }
  if (typeof row.serviceId === "string") {
    const s = await tx.service.findUnique({ where: { id: row.serviceId } });
    return `on service ${s?.name ?? row.serviceId.slice(0, 8)}`;
  }
  if (typeof row.consumerId === "string") {
    const c = await tx.consumer.findUnique({ where: { id: row.consumerId } });
    return `on consumer ${c?.username ?? c?.customId ?? row.consumerId.slice(0, 8)}`;
  }
  return "globally";
}

/** What a credential belongs to: ` of consumer bob`. */
async function consumerOf(tx: Tx, row: Row): Promise<string> {
  if (typeof row.consumerId !== "string") return "";
  const c = await tx.consumer.findUnique({ where: { id: row.consumerId } });
  return ` of consumer ${c?.username ?? c?.customId ?? row.consumerId.slice(0, 8)}`;
}

const CREDENTIAL_NAMES: Record<string, string> = {
  keyauth_credential: "key-auth credential",
  basicauth_credential: "basic-auth credential",
  jwt_secret: "jwt secret",
  acl: "acl group",
};

/**
 * A config version's message saying what changed, e.g. `enable rate-limiting on route ev-route`,
 * `disable cors on service billing`, `update service billing`, `delete route old`.
 */
export async function describeChange(
  tx: Tx,
  type: string,
  action: "create" | "update" | "delete",
  row: Row,
  before?: Row,
): Promise<string> {
  if (type === "plugin") {
    const name = String(row.name);
    const scope = await pluginScope(tx, row);
    if (action === "create")
      return `enable ${name} ${scope}${row.enabled === false ? " (disabled)" : ""}`;
    if (action === "delete") return `remove ${name} ${scope.replace(/^on /, "from ")}`;
    if (before && before.enabled !== row.enabled) {
      return `${row.enabled ? "enable" : "disable"} ${name} ${scope}`;
    }
    return `configure ${name} ${scope}`;
  }
  if (type === "target") {
    const u =
      typeof row.upstreamId === "string"
        ? await tx.upstream.findUnique({
            where: { id: row.upstreamId },
            include: { service: { select: { name: true } } },
          })
        : null;
    const of = u?.service ? ` of service ${u.service.name}` : u ? ` of upstream ${u.name}` : "";
    return `${action} target ${label(row)}${of}`;
  }
  const credential = CREDENTIAL_NAMES[type];
  if (credential) {
    const shown = type === "acl" || type === "jwt_secret" ? ` ${label(row)}` : "";
    return `${action} ${credential}${shown}${await consumerOf(tx, row)}`;
  }
  const renamed = before && label(before) !== label(row) ? ` (was ${label(before)})` : "";
  return `${action} ${type} ${label(row)}${renamed}`;
}
