import "server-only";
import { canonicalJson, DEFAULT_UPSTREAM_DENY, upstreamDenySchema } from "@gatehouse/config";
import type { Prisma } from "@gatehouse/db/client";
import { UPSTREAM_DENY_SETTING } from "@gatehouse/db/export";
import { z } from "zod";
import type { Principal } from "@/server/auth/principal";
import { applyChange } from "@/server/changes/commit-change";
import type { AuditEntry, Tx } from "@/server/changes/types";
import { db } from "@/server/db";
import type { Caller } from "@/server/entities/resource";
import { ApiError } from "@/server/http/errors";

/** Whether the request simulator returns the upstream's response body to editors. */
export const SIMULATOR_BODY_SETTING = "simulator_show_body";

/** The control plane's admin-only settings, as the API shows them. */
export interface SettingsView {
  /** the data planes' upstream deny list; null = their default (`upstream_deny_default`) */
  upstream_deny: string[] | null;
  upstream_deny_default: readonly string[];
  /** editors see the response body in the request simulator (admins always do) */
  simulator_show_body: boolean;
}

export const settingsUpdateSchema = z.strictObject({
  upstream_deny: upstreamDenySchema.nullable().optional(),
  simulator_show_body: z.boolean({ error: "must be a boolean" }).optional(),
});
export type SettingsUpdate = z.output<typeof settingsUpdateSchema>;

type Client = Pick<Tx, "setting">;

async function read(client: Client): Promise<SettingsView> {
  const rows = await client.setting.findMany();
  const value = (key: string) => rows.find((r) => r.key === key)?.value;
  const deny = value(UPSTREAM_DENY_SETTING);
  return {
    upstream_deny: Array.isArray(deny) ? deny.map(String) : null,
    upstream_deny_default: DEFAULT_UPSTREAM_DENY,
    simulator_show_body: value(SIMULATOR_BODY_SETTING) === true,
  };
}

export function getSettings(): Promise<SettingsView> {
  return read(db());
}

/** True when `principal` may read upstream responses in the simulator. */
export async function simulatorShowsBody(principal: Principal): Promise<boolean> {
  if (principal.role === "admin") return true;
  const row = await db().setting.findUnique({ where: { key: SIMULATOR_BODY_SETTING } });
  return row?.value === true;
}

/** Writes one setting in `tx` (null removes it: the default applies); its audit entry, if it changed. */
async function write(
  tx: Client,
  key: string,
  before: unknown,
  after: unknown,
  actor: string,
): Promise<AuditEntry[]> {
  if (canonicalJson(before ?? null) === canonicalJson(after ?? null)) return [];
  if (after === null) await tx.setting.deleteMany({ where: { key } });
  else {
    const value = after as Prisma.InputJsonValue;
    await tx.setting.upsert({
      where: { key },
      create: { key, value, updatedBy: actor },
      update: { value, updatedBy: actor, version: { increment: 1 } },
    });
  }
  return [{ action: "update", entityType: "setting", entityId: key, before, after }];
}

/**
 * Changes settings (admins only: the route checks it). A changed deny list becomes a new config
 * version, pushed to every data plane like any other change.
 */
export async function updateSettings(
  caller: Caller,
  update: SettingsUpdate,
): Promise<SettingsView> {
  const { result } = await applyChange(
    { actor: caller.auth.actor, requestId: caller.requestId, ip: caller.ip },
    "settings",
    async (tx) => {
      const current = await read(tx);
      const audit: AuditEntry[] = [];
      const fields = [
        [UPSTREAM_DENY_SETTING, "upstream_deny"],
        [SIMULATOR_BODY_SETTING, "simulator_show_body"],
      ] as const;
      for (const [key, field] of fields) {
        if (update[field] === undefined) continue;
        audit.push(...(await write(tx, key, current[field], update[field], caller.auth.actor)));
      }
      return { result: await read(tx), audit };
    },
  );
  return result;
}

/**
 * An imported document's `upstream_deny` (absent: the setting is left as it is). Only an admin may
 * change it: anyone else's import is refused when it differs from the current setting (so exports
 * and rollbacks that carry the current list still import).
 */
export async function importUpstreamDeny(
  tx: Tx,
  rules: string[] | null,
  caller: Caller,
): Promise<AuditEntry[]> {
  if (rules === null) return [];
  const current = (await read(tx)).upstream_deny;
  if (canonicalJson(current) === canonicalJson(rules)) return [];
  if (caller.auth.role !== "admin") {
    throw new ApiError("forbidden", "only an admin can change the upstream deny list", {
      errors: [
        {
          path: "upstream_deny",
          message: "differs from the current setting; only an admin can change it",
        },
      ],
    });
  }
  return write(tx, UPSTREAM_DENY_SETTING, current, rules, caller.auth.actor);
}
