/**
 * Kong's kong.log.set_serialize_value: a plugin adds a value to the log serializer's entry (what
 * file-log, http-log and the other log plugins send) for this request; `key` may be dotted
 * (`request.tenant`) to set a nested field. correlation-id sets `correlation_id` this way.
 */
import type { Kit } from "@gatehouse/plugin-kit";

const CTX_KEY = "kong.log.serialize_values";

type Values = Map<string, unknown>;

export function setSerializeValue(kit: Kit, key: string, value: unknown): void {
  let values = kit.ctx.get(CTX_KEY) as Values | undefined;
  if (values === undefined) {
    values = new Map();
    kit.ctx.set(CTX_KEY, values);
  }
  values.set(key, value);
}

/** Applies the values set for this request to `entry` (serializeLog's last step). */
export function applySerializeValues(kit: Kit, entry: Record<string, unknown>): void {
  const values = kit.ctx.get(CTX_KEY) as Values | undefined;
  if (values === undefined) return;
  for (const [key, value] of values) {
    const path = key.split(".");
    let at = entry;
    for (const segment of path.slice(0, -1)) {
      const next = at[segment];
      if (typeof next !== "object" || next === null || Array.isArray(next)) at[segment] = {};
      at = at[segment] as Record<string, unknown>;
    }
    at[path[path.length - 1] as string] = value;
  }
}
