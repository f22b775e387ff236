// Upstreams and their targets as the declarative document writes them (Kong's fields, decK's shape).
import { createHash } from "node:crypto";
import type {
  ExportedUpstream,
  HashOn,
  HealthchecksInput,
  UpstreamAlgorithm,
} from "@gatehouse/config";
import { healthchecksWithDefaults, hostnameRe } from "@gatehouse/config";
import type { Service, Target, Upstream } from "./generated/prisma/client.js";

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const optional = <K extends string>(key: K, value: string | null) =>
  (value === null ? {} : { [key]: value }) as Partial<Record<K, string>>;

/**
 * Every upstream (by name) with its targets (by target). A service's own upstream (serviceId) is
 * written with `host_header` = the service's host, and `upstreamOf` maps that service to the
 * upstream's name (its `host` in the document). A service's own upstream without targets is left
 * out: the service then reaches its own host, as a service without targets always has.
 */
export function exportUpstreams(
  rows: readonly Upstream[],
  targets: readonly Target[],
  services: readonly Service[],
): { upstreams: ExportedUpstream[]; upstreamOf: Map<string, string> } {
  const hostOf = new Map(services.map((s) => [s.id, s.host]));
  const targetsOf = new Map<string, Target[]>();
  for (const t of targets) {
    const list = targetsOf.get(t.upstreamId);
    if (list) list.push(t);
    else targetsOf.set(t.upstreamId, [t]);
  }
  const upstreamOf = new Map<string, string>();
  const upstreams: ExportedUpstream[] = [];
  for (const u of [...rows].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id))) {
    const own = targetsOf.get(u.id) ?? [];
    const ownerHost = u.serviceId === null ? undefined : hostOf.get(u.serviceId);
    if (u.serviceId !== null) {
      if (own.length === 0 || ownerHost === undefined) continue;
      upstreamOf.set(u.serviceId, u.name);
    }
    const hostHeader = u.hostHeader ?? ownerHost ?? null;
    upstreams.push({
      id: u.id,
      name: u.name,
      algorithm: u.algorithm as UpstreamAlgorithm,
      hash_on: u.hashOn as HashOn,
      hash_fallback: u.hashFallback as HashOn,
      ...optional("hash_on_header", u.hashOnHeader),
      ...optional("hash_fallback_header", u.hashFallbackHeader),
      ...optional("hash_on_cookie", u.hashOnCookie),
      hash_on_cookie_path: u.hashOnCookiePath,
      ...optional("hash_on_query_arg", u.hashOnQueryArg),
      ...optional("hash_fallback_query_arg", u.hashFallbackQueryArg),
      ...optional("hash_on_uri_capture", u.hashOnUriCapture),
      ...optional("hash_fallback_uri_capture", u.hashFallbackUriCapture),
      slots: u.slots,
      healthchecks: healthchecksWithDefaults(u.healthchecks as HealthchecksInput),
      ...optional("host_header", hostHeader),
      tags: u.tags,
      targets: [...own]
        .sort((a, b) => compare(a.target, b.target))
        .map((t) => ({ id: t.id, target: t.target, weight: t.weight, tags: t.tags })),
    });
  }
  return { upstreams, upstreamOf };
}

/**
 * The name of a new own upstream for `service`: `<service name>.upstream`, or
 * `service-<hash of its id>.upstream` when the name makes no hostname, never a name `taken`
 * (every service's host and every upstream's name, lower-cased): naming it after the service's
 * host would hand its targets to every service on that host (issue 9).
 */
export function ownUpstreamName(
  service: { id: string; name: string },
  taken: ReadonlySet<string>,
): string {
  const hashed = `service-${createHash("sha256").update(service.id).digest("hex").slice(0, 16)}`;
  let name = "";
  for (let n = 1; name === "" || taken.has(name.toLowerCase()); n++) {
    const suffix = n === 1 ? "" : `-${n}`;
    name = `${service.name}${suffix}.upstream`;
    if (!hostnameRe.test(name)) name = `${hashed}${suffix}.upstream`;
  }
  return name;
}
