import type { EntityDefinition } from "@/components/entity/entity-editor";

const tags = {
  type: "array",
  title: "Tags",
  items: { type: "string" },
} as const;

const nonEmpty = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.filter((x) => x !== undefined && x !== "") : []);

export const serviceUrl = (s: Record<string, unknown>) =>
  `${String(s.protocol)}://${String(s.host)}:${String(s.port)}${s.path ? String(s.path) : ""}`;

export const serviceDefinition: EntityDefinition = {
  resource: "/services",
  noun: "service",
  listHref: "/services",
  schema: {
    type: "object",
    required: ["name", "url"],
    properties: {
      name: { type: "string", title: "Name" },
      url: {
        type: "string",
        title: "Upstream URL",
        description: "protocol://host:port/path the gateway forwards to",
      },
      retries: { type: "integer", title: "Retries", default: 5 },
      connect_timeout: { type: "integer", title: "Connect timeout (ms)", default: 60000 },
      read_timeout: { type: "integer", title: "Read timeout (ms)", default: 60000 },
      write_timeout: { type: "integer", title: "Write timeout (ms)", default: 60000 },
      tags,
    },
  },
  toForm: (e) => ({
    name: e.name,
    url: serviceUrl(e),
    retries: e.retries,
    connect_timeout: e.connect_timeout,
    read_timeout: e.read_timeout,
    write_timeout: e.write_timeout,
    tags: e.tags,
  }),
  fromForm: (f) => ({
    name: nonEmpty(f.name),
    url: nonEmpty(f.url),
    retries: f.retries,
    connect_timeout: f.connect_timeout,
    read_timeout: f.read_timeout,
    write_timeout: f.write_timeout,
    tags: list(f.tags),
  }),
  name: (e) => String(e.name),
};

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/** Routes choose their service by name (the API accepts a name or an id). */
export function routeDefinition(services: { id: string; name: string }[]): EntityDefinition {
  const byId = new Map(services.map((s) => [s.id, s.name]));
  return {
    resource: "/routes",
    noun: "route",
    listHref: "/routes",
    schema: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", title: "Name" },
        service:
          services.length > 0
            ? { type: "string", title: "Service", enum: services.map((s) => s.name) }
            : { type: "string", title: "Service" },
        paths: { type: "array", title: "Paths", items: { type: "string" } },
        hosts: { type: "array", title: "Hosts", items: { type: "string" } },
        methods: {
          type: "array",
          title: "Methods",
          items: { type: "string", enum: METHODS },
          uniqueItems: true,
        },
        strip_path: { type: "boolean", title: "Strip the matched path", default: true },
        preserve_host: { type: "boolean", title: "Preserve the Host header", default: false },
        tags,
      },
    },
    uiSchema: { methods: { "ui:widget": "checkboxes", "ui:options": { inline: true } } },
    toForm: (e) => ({
      name: e.name,
      service: byId.get((e.service as { id?: string } | null)?.id ?? "") ?? undefined,
      paths: e.paths ?? [],
      hosts: e.hosts ?? [],
      methods: e.methods ?? [],
      strip_path: e.strip_path,
      preserve_host: e.preserve_host,
      tags: e.tags,
    }),
    fromForm: (f) => ({
      name: nonEmpty(f.name),
      service: nonEmpty(f.service) ? { name: nonEmpty(f.service) } : null,
      paths: list(f.paths),
      hosts: list(f.hosts),
      methods: list(f.methods),
      strip_path: f.strip_path,
      preserve_host: f.preserve_host,
      tags: list(f.tags),
    }),
    name: (e) => String(e.name ?? e.id),
  };
}

export const consumerDefinition: EntityDefinition = {
  resource: "/consumers",
  noun: "consumer",
  listHref: "/consumers",
  schema: {
    type: "object",
    properties: {
      username: { type: "string", title: "Username" },
      custom_id: { type: "string", title: "Custom ID" },
      tags,
    },
  },
  toForm: (e) => ({
    username: e.username ?? undefined,
    custom_id: e.custom_id ?? undefined,
    tags: e.tags,
  }),
  fromForm: (f, editing) => ({
    username: nonEmpty(f.username) ?? (editing ? null : undefined),
    custom_id: nonEmpty(f.custom_id) ?? (editing ? null : undefined),
    tags: list(f.tags),
  }),
  name: (e) => String(e.username ?? e.custom_id ?? e.id),
};
