import type { ConfigError } from "./types.js";
import { parseServiceUrl } from "./validate.js";

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

/** The message when two services with different ports name one upstream (exact text in tests). */
export const ERR_UPSTREAM_MERGES_SERVICES = (
  upstream: string,
  port: number,
  other: string,
  otherPort: number,
): string =>
  `names upstream ${JSON.stringify(upstream)} as ${other} does, but with port ${port} instead of ` +
  `${otherPort}: that upstream's targets would serve both services (a service balancing over an ` +
  `upstream does not use its port); give each service its own upstream`;

/**
 * decK's rule: a service whose `host` equals an upstream's `name` balances over that upstream's
 * targets, and its own `port` is not used. Several services may share one upstream on purpose,
 * but services naming the same upstream with different ports are two backends the upstream would
 * merge into one (what an export naming upstreams after a host two services share looks like):
 * such a document is refused, on the admin's import and on every data plane alike.
 */
export function checkUpstreamSharing(doc: Raw): ConfigError[] {
  const names = new Set<string>();
  for (const u of Array.isArray(doc.upstreams) ? doc.upstreams : []) {
    if (isObj(u) && typeof u.name === "string") names.add(u.name);
  }
  if (names.size === 0) return [];
  const errors: ConfigError[] = [];
  const firstUser = new Map<string, { path: string; port: number }>();
  (Array.isArray(doc.services) ? doc.services : []).forEach((s, i) => {
    if (!isObj(s)) return;
    let host: unknown;
    let port: unknown;
    let field: "url" | "host";
    if (typeof s.url === "string") {
      const parsed = parseServiceUrl(s.url);
      if (typeof parsed === "string") return; // reported elsewhere
      ({ host, port } = parsed);
      field = "url";
    } else {
      host = s.host;
      port = s.port ?? (s.protocol === "https" ? 443 : 80);
      field = "host";
    }
    if (typeof host !== "string" || typeof port !== "number" || !names.has(host)) return;
    const path = `services[${i}]`;
    const first = firstUser.get(host);
    if (first === undefined) firstUser.set(host, { path, port });
    else if (first.port !== port) {
      errors.push({
        path: `${path}.${field}`,
        message: ERR_UPSTREAM_MERGES_SERVICES(host, port, first.path, first.port),
      });
    }
  });
  return errors;
}
