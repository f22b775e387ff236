import type { EntityDefinition } from "@/components/entity/entity-editor";

const ALGORITHMS = ["round-robin", "least-connections", "consistent-hashing", "latency"];
const HASH_ON = ["none", "consumer", "ip", "header", "cookie", "path", "query_arg", "uri_capture"];
const str = (title: string, description?: string) =>
  ({ type: "string", title, ...(description ? { description } : {}) }) as const;
const int = (title: string, description?: string) =>
  ({ type: "integer", title, ...(description ? { description } : {}) }) as const;
const statuses = { type: "array", title: "HTTP statuses", items: { type: "integer" } } as const;
const seconds = (title: string) => ({ type: "number", title }) as const;

const nonEmpty = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const HASH_FIELDS = [
  "hash_on_header",
  "hash_fallback_header",
  "hash_on_cookie",
  "hash_on_query_arg",
  "hash_fallback_query_arg",
  "hash_on_uri_capture",
  "hash_fallback_uri_capture",
] as const;

/** Kong's upstream (its field names) with its health checks, as a form. */
export const upstreamDefinition: EntityDefinition = {
  resource: "/upstreams",
  noun: "upstream",
  listHref: "/upstreams",
  schema: {
    type: "object",
    required: ["name"],
    properties: {
      name: str("Name", "a hostname; a service whose host is this name balances over the targets"),
      algorithm: { type: "string", title: "Algorithm", enum: ALGORITHMS, default: "round-robin" },
      hash_on: { type: "string", title: "Hash on", enum: HASH_ON, default: "none" },
      hash_fallback: { type: "string", title: "Hash fallback", enum: HASH_ON, default: "none" },
      hash_on_header: str("Hash on header"),
      hash_fallback_header: str("Hash fallback header"),
      hash_on_cookie: str("Hash on cookie"),
      hash_on_query_arg: str("Hash on query argument"),
      hash_fallback_query_arg: str("Hash fallback query argument"),
      hash_on_uri_capture: str("Hash on URI capture"),
      hash_fallback_uri_capture: str("Hash fallback URI capture"),
      slots: int("Slots", "ring size for consistent-hashing (10..65536)"),
      host_header: str("Host header", "sent to the targets (default: the upstream's name)"),
      healthchecks: {
        type: "object",
        title: "Health checks",
        properties: {
          active: {
            type: "object",
            title: "Active (probes)",
            properties: {
              type: { type: "string", title: "Type", enum: ["http", "https", "tcp"] },
              http_path: str("HTTP path"),
              timeout: seconds("Timeout (s)"),
              concurrency: int("Concurrency"),
              https_verify_certificate: { type: "boolean", title: "Verify the certificate" },
              healthy: {
                type: "object",
                title: "Healthy",
                properties: {
                  interval: seconds("Interval (s, 0 = off)"),
                  successes: int("Successes"),
                  http_statuses: statuses,
                },
              },
              unhealthy: {
                type: "object",
                title: "Unhealthy",
                properties: {
                  interval: seconds("Interval (s, 0 = off)"),
                  http_failures: int("HTTP failures"),
                  tcp_failures: int("TCP failures"),
                  timeouts: int("Timeouts"),
                  http_statuses: statuses,
                },
              },
            },
          },
          passive: {
            type: "object",
            title: "Passive (circuit breaker)",
            properties: {
              healthy: {
                type: "object",
                title: "Healthy",
                properties: { successes: int("Successes"), http_statuses: statuses },
              },
              unhealthy: {
                type: "object",
                title: "Unhealthy",
                properties: {
                  http_failures: int("HTTP failures"),
                  tcp_failures: int("TCP failures"),
                  timeouts: int("Timeouts"),
                  http_statuses: statuses,
                },
              },
            },
          },
        },
      },
      tags: { type: "array", title: "Tags", items: { type: "string" } },
    },
  },
  toForm: (e) => {
    const form: Record<string, unknown> = {
      name: e.name,
      algorithm: e.algorithm,
      hash_on: e.hash_on,
      hash_fallback: e.hash_fallback,
      slots: e.slots,
      host_header: e.host_header ?? undefined,
      healthchecks: e.healthchecks,
      tags: e.tags,
    };
    for (const f of HASH_FIELDS) form[f] = e[f] ?? undefined;
    return form;
  },
  fromForm: (f, editing) => {
    const body: Record<string, unknown> = {
      name: nonEmpty(f.name),
      algorithm: f.algorithm,
      hash_on: f.hash_on,
      hash_fallback: f.hash_fallback,
      slots: f.slots,
      host_header: nonEmpty(f.host_header) ?? (editing ? null : undefined),
      healthchecks: f.healthchecks,
      tags: Array.isArray(f.tags) ? f.tags.filter((t) => t !== undefined && t !== "") : [],
    };
    for (const field of HASH_FIELDS)
      body[field] = nonEmpty(f[field]) ?? (editing ? null : undefined);
    return body;
  },
  name: (e) => String(e.name),
};
