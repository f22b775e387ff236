import "server-only";
import { canonicalJson } from "@gatehouse/config";

export const ENTITY_TYPES = [
  "services",
  "routes",
  "upstreams",
  "targets",
  "consumers",
  "keyauth_credentials",
  "basicauth_credentials",
  "jwt_secrets",
  "acls",
  "plugins",
  "certificates",
  "snis",
  "ca_certificates",
] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

interface FlatEntity {
  name: string | null;
  value: Record<string, unknown>;
}
type Flat = Record<EntityType, Map<string, FlatEntity>>;

type Obj = Record<string, unknown>;
const list = (value: unknown): Obj[] => (Array.isArray(value) ? (value as Obj[]) : []);
const omit = (entry: Obj, keys: string[]) =>
  Object.fromEntries(Object.entries(entry).filter(([k]) => !keys.includes(k)));
const nameOf = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** A declarative document (as exported) as flat entity maps keyed by id. */
export function flatten(doc: unknown): Flat {
  const flat = Object.fromEntries(ENTITY_TYPES.map((t) => [t, new Map()])) as Flat;
  const root = (doc ?? {}) as Obj;
  const put = (
    type: EntityType,
    entry: Obj,
    name: string | null,
    extra: Obj = {},
    drop: string[] = [],
  ) => {
    const id = typeof entry.id === "string" ? entry.id : `${type}:${flat[type].size}`;
    flat[type].set(id, { name, value: { ...omit(entry, drop), ...extra } });
  };
  const plugins = (entries: unknown, scope: Obj) => {
    for (const p of list(entries))
      put("plugins", p, nameOf(p.instance_name) ?? nameOf(p.name), scope);
  };
  for (const s of list(root.services)) {
    put("services", s, nameOf(s.name), {}, ["routes", "plugins"]);
    plugins(s.plugins, { service: s.name });
    for (const r of list(s.routes)) {
      put("routes", r, nameOf(r.name), { service: s.name }, ["plugins"]);
      plugins(r.plugins, { route: r.name ?? { id: r.id } });
    }
  }
  for (const r of list(root.routes)) {
    put("routes", r, nameOf(r.name), {}, ["plugins"]);
    plugins(r.plugins, { route: r.name ?? { id: r.id } });
  }
  for (const u of list(root.upstreams)) {
    put("upstreams", u, nameOf(u.name), {}, ["targets"]);
    for (const t of list(u.targets)) put("targets", t, nameOf(t.target), { upstream: u.name });
  }
  for (const c of list(root.consumers)) {
    const consumer = nameOf(c.username) ?? nameOf(c.custom_id);
    put("consumers", c, consumer, {}, [
      "keyauth_credentials",
      "basicauth_credentials",
      "jwt_secrets",
      "acls",
      "plugins",
    ]);
    for (const k of list(c.keyauth_credentials)) put("keyauth_credentials", k, null, { consumer });
    for (const b of list(c.basicauth_credentials))
      put("basicauth_credentials", b, nameOf(b.username), { consumer });
    for (const j of list(c.jwt_secrets)) put("jwt_secrets", j, nameOf(j.key), { consumer });
    // Exported acl groups carry no id: one consumer's group is the identity.
    for (const a of list(c.acls)) {
      const group = nameOf(a.group);
      put("acls", { id: `${String(c.id)}:${String(group)}`, ...a }, group, { consumer }, ["id"]);
    }
    plugins(c.plugins, { consumer });
  }
  plugins(root.plugins, {});
  for (const c of list(root.certificates)) {
    put("certificates", c, null, {}, ["snis"]);
    for (const s of list(c.snis)) put("snis", s, nameOf(s.name), { certificate: c.id });
  }
  for (const c of list(root.ca_certificates)) put("ca_certificates", c, null);
  return flat;
}

export interface DiffEntry {
  id: string;
  name: string | null;
}
export interface ChangedEntry extends DiffEntry {
  fields: string[];
}
export type ConfigDiff = Record<
  EntityType,
  { added: DiffEntry[]; changed: ChangedEntry[]; deleted: DiffEntry[] }
>;

/** What changes from `before` to `after`, per entity type (by id). */
export function diffDocuments(before: unknown, after: unknown): ConfigDiff {
  const a = flatten(before);
  const b = flatten(after);
  const out = {} as ConfigDiff;
  for (const type of ENTITY_TYPES) {
    const added: DiffEntry[] = [];
    const changed: ChangedEntry[] = [];
    const deleted: DiffEntry[] = [];
    for (const [id, entity] of b[type]) {
      const old = a[type].get(id);
      if (!old) added.push({ id, name: entity.name });
      else {
        const keys = new Set([...Object.keys(old.value), ...Object.keys(entity.value)]);
        const fields = [...keys]
          .filter((k) => canonicalJson(old.value[k]) !== canonicalJson(entity.value[k]))
          .sort();
        if (fields.length > 0) changed.push({ id, name: entity.name, fields });
      }
    }
    for (const [id, entity] of a[type])
      if (!b[type].has(id)) deleted.push({ id, name: entity.name });
    out[type] = { added, changed, deleted };
  }
  return out;
}

export function isEmptyDiff(diff: ConfigDiff): boolean {
  return ENTITY_TYPES.every(
    (t) => diff[t].added.length + diff[t].changed.length + diff[t].deleted.length === 0,
  );
}
