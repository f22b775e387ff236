import "server-only";
import type { Plugin, Prisma } from "@gatehouse/db/client";
import { maskPluginConfig, pluginDefinitions, unmaskPluginConfig } from "@/server/catalog/plugins";
import { sealPluginConfig } from "@/server/catalog/plugin-secrets";
import { openStoredSecrets } from "@/server/secrets/open";
import { requireSecretKey } from "@/server/entities/credentials";
import type { Tx } from "@/server/changes/types";
import { BASE_SORT, idRef, timestamps } from "@/server/entities/common";
import { consumers } from "@/server/entities/consumers";
import type { Resource, Scope } from "@/server/entities/resource";
import { findEntity } from "@/server/entities/resource";
import { resolveServiceRef, routes } from "@/server/entities/routes";
import type { FieldError } from "@/server/http/errors";
import { cleanInput, merge, refOf, validateEntity } from "@/server/entities/validate";

export const PLUGIN_FIELDS = [
  "name",
  "instance_name",
  "config",
  "enabled",
  "protocols",
  "tags",
  "service",
  "route",
  "consumer",
] as const;

async function resolveRef(
  tx: Tx,
  kind: "route" | "consumer",
  value: unknown,
  errors: FieldError[],
): Promise<string | null | undefined> {
  if (value === null) return null;
  const ref = refOf(value);
  if (!ref) {
    errors.push({ path: kind, message: 'must be { "id": ... }, { "name": ... } or a name' });
    return undefined;
  }
  const found =
    kind === "route"
      ? await findEntity(routes, ref.key, {}, tx)
      : await findEntity(consumers, ref.key, {}, tx);
  if (!found || (ref.by === "id" && found.id !== ref.key)) {
    errors.push({ path: kind, message: `unknown ${kind} ${JSON.stringify(ref.key)}` });
    return undefined;
  }
  return found.id;
}

const SCOPE_FIELD = { service: "serviceId", route: "routeId", consumer: "consumerId" } as const;

export const plugins: Resource<Plugin> = {
  type: "plugin",
  delegate: (tx) => tx.plugin as never,
  fields: PLUGIN_FIELDS,
  putField: "instance_name",
  sortable: { name: "name", ...BASE_SORT },
  nameColumn: "name",
  scopeWhere: (scope: Scope) => ({
    ...(scope.serviceId ? { serviceId: scope.serviceId } : {}),
    ...(scope.routeId ? { routeId: scope.routeId } : {}),
    ...(scope.consumerId ? { consumerId: scope.consumerId } : {}),
  }),
  keyWhere: (key) => [{ id: key }, { instanceName: key }],
  toApi: (row) => ({
    id: row.id,
    name: row.name,
    instance_name: row.instanceName,
    config: maskPluginConfig(row.name, row.config),
    enabled: row.enabled,
    protocols: row.protocols,
    service: idRef(row.serviceId),
    route: idRef(row.routeId),
    consumer: idRef(row.consumerId),
    tags: row.tags,
    ...timestamps(row),
  }),
  async prepare(tx, input, current, scope) {
    const cleaned = cleanInput(input, PLUGIN_FIELDS);
    const errors = [...cleaned.errors];
    const ids = {
      serviceId: current?.serviceId ?? null,
      routeId: current?.routeId ?? null,
      consumerId: current?.consumerId ?? null,
    };
    for (const kind of ["service", "route", "consumer"] as const) {
      const pinned = scope[SCOPE_FIELD[kind]];
      if (pinned) ids[SCOPE_FIELD[kind]] = pinned;
      if (!(kind in cleaned.values) && !cleaned.cleared.includes(kind)) continue;
      const value = cleaned.values[kind] ?? null;
      const resolved =
        kind === "service"
          ? await resolveServiceRef(tx, value, "service", errors)
          : await resolveRef(tx, kind, value, errors);
      if (resolved !== undefined) {
        if (pinned && resolved !== pinned) {
          errors.push({ path: kind, message: `must be the ${kind} of this path (or left out)` });
        } else ids[SCOPE_FIELD[kind]] = resolved;
      }
      delete cleaned.values[kind];
      cleaned.cleared = cleaned.cleared.filter((k) => k !== kind);
    }
    // secrets are stored sealed: validated and compared in clear, sealed again below
    const storedConfig = openStoredSecrets(current?.config ?? undefined) as
      Record<string, unknown> | undefined;
    const name = (cleaned.values.name as string | undefined) ?? current?.name;
    if (typeof cleaned.values.config === "object" && cleaned.values.config !== null && name) {
      const incoming = cleaned.values.config as Record<string, unknown>;
      // PATCH merges config fields into the stored config; secrets sent back masked stay as stored.
      const sameName = current?.name === name;
      cleaned.values.config = unmaskPluginConfig(
        name,
        sameName ? { ...storedConfig, ...incoming } : incoming,
        sameName ? storedConfig : undefined,
      );
    }
    const base: Record<string, unknown> = current
      ? {
          name: current.name,
          ...(current.instanceName ? { instance_name: current.instanceName } : {}),
          config: storedConfig ?? {},
          enabled: current.enabled,
          protocols: current.protocols,
          tags: current.tags,
        }
      : {};
    if (
      current &&
      "name" in cleaned.values &&
      cleaned.values.name !== current.name &&
      !("config" in cleaned.values)
    ) {
      base.config = {};
    }
    const candidate = merge(base, cleaned);
    if (!current && typeof input.id === "string") candidate.id = input.id;
    const def =
      typeof candidate.name === "string" ? pluginDefinitions().get(candidate.name) : undefined;
    if (def) {
      const scopes = def.meta.scopes;
      for (const kind of ["service", "route", "consumer"] as const) {
        if (ids[SCOPE_FIELD[kind]] && !scopes.includes(kind)) {
          errors.push({
            path: kind,
            message: `plugin "${def.name}" cannot be configured on a ${kind}`,
          });
        }
      }
      if (!ids.serviceId && !ids.routeId && !ids.consumerId && !scopes.includes("global")) {
        errors.push({ path: "", message: `plugin "${def.name}" cannot be configured globally` });
      }
    }
    const config = validateEntity({ plugins: [candidate] }, "plugins[0]", errors);
    const p = config.plugins[0];
    if (!p) throw new Error("validated plugin missing");
    return {
      data: {
        ...(!current && typeof candidate.id === "string" ? { id: candidate.id } : {}),
        name: p.name,
        instanceName: (candidate.instance_name as string | undefined) ?? null,
        config: sealPluginConfig(
          p.name,
          p.config,
          () => requireSecretKey("plugin secrets"),
          current?.name === p.name ? current.config : undefined,
        ) as Prisma.InputJsonValue,
        enabled: p.enabled,
        protocols: p.protocols,
        tags: p.tags,
        ...ids,
      },
    };
  },
};
