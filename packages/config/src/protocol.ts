/**
 * The cluster protocol between the control plane (apps/admin) and the data planes (apps/gateway):
 * every message and every answer, defined once as zod schemas that both sides import. The sender
 * builds values of these types; the receiver parses with the schema (`fromZodIssues` turns the
 * issues into `{ path, message }`), so a field added or renamed here is one change for both.
 *
 * Data plane control endpoint (never on a proxy port, `Authorization: Bearer $GATEHOUSE_CLUSTER_TOKEN`):
 *   PUT /v1/config  `ConfigPush` → 200 `ConfigApplied` | 400 `ConfigRefused` | 409 `ConfigConflict`
 *   GET /v1/status  → `DataPlaneStatus`
 * Control plane (`/api/v1/dataplane/*`, same token):
 *   POST register   `RegisterMessage`  → `ClusterAnswer`
 *   POST heartbeat  `HeartbeatMessage` → `ClusterAnswer` (404: unknown, register again)
 *   GET  config     → `PulledConfig`
 * Proxy port, with `X-Gatehouse-Debug: <token>`: the answer carries `X-Gatehouse-Trace`, a `Trace`.
 */
import { z } from "zod";

export const configErrorSchema = z.object({ path: z.string(), message: z.string() });

const POSITIVE = "must be a positive integer";
export const configVersionSchema = z.custom<number>(
  (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 1,
  POSITIVE,
);
export const configHashSchema = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");
const requiredValue = z.unknown().refine((v) => v !== undefined, "is required");

// ---------- PUT /v1/config ----------

export const CONFIG_PUSH_BODY = 'the body must be a JSON object {"version": N, "config": {...}}';

/** The push body. `config` is a declarative document, validated by the data plane itself. */
export const configPushSchema = z.object(
  { version: configVersionSchema, config: requiredValue },
  { error: CONFIG_PUSH_BODY },
);
export type ConfigPush = z.infer<typeof configPushSchema>;

/** 200: the version now running and its hash (`hashConfig(config)`). */
export const configAppliedSchema = z.object({
  version: configVersionSchema,
  hash: configHashSchema,
});
export type ConfigApplied = z.infer<typeof configAppliedSchema>;

/** 400: the document (or the body) is invalid; every error; the running config stays. */
export const configRefusedSchema = z.object({ errors: z.array(configErrorSchema) });
export type ConfigRefused = z.infer<typeof configRefusedSchema>;

/** 409: the version is not newer than the running one. */
export const configConflictSchema = z.object({
  message: z.string().optional(),
  errors: z.array(configErrorSchema),
});
export type ConfigConflict = z.infer<typeof configConflictSchema>;

// ---------- GET /v1/status ----------

export const snapshotSourceSchema = z.enum(["file", "cache", "push", "pull"]);

export const lastErrorSchema = z.object({
  at: z.string(),
  source: snapshotSourceSchema,
  errors: z.array(configErrorSchema),
});

export const pluginInfoSchema = z.object({
  name: z.string().min(1).max(100),
  version: z.string().max(50),
  /** "builtin" or the GATEHOUSE_PLUGINS entry it was loaded from */
  source: z.string().optional(),
});
export type PluginInfo = z.infer<typeof pluginInfoSchema>;

/** What a data plane runs (extra fields, e.g. workers and cache state, may follow). */
export const dataPlaneStatusSchema = z.looseObject({
  ready: z.boolean(),
  version: z.number().int().nullable(),
  hash: configHashSchema.nullable(),
  source: snapshotSourceSchema.nullable(),
  applied_at: z.string().nullable(),
  started_at: z.string(),
  plugins: z.array(pluginInfoSchema),
  counts: z
    .object({
      services: z.number(),
      routes: z.number(),
      consumers: z.number(),
      plugins: z.number(),
    })
    .nullable(),
  last_error: lastErrorSchema.nullable(),
  cache_error: z.string().nullable(),
  last_apply_ms: z
    .object({
      validateMs: z.number(),
      hashMs: z.number(),
      compileMs: z.number(),
      totalMs: z.number(),
    })
    .nullable(),
});
export type DataPlaneStatus = z.infer<typeof dataPlaneStatusSchema>;

// ---------- register / heartbeat / pull (control plane endpoints) ----------

export const dataPlaneIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, "must be 1-128 letters, digits, '.', '_', ':' or '-'");

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .max(2048);

/** A target's health on one data plane (Kong's words: /upstreams/{u}/health). */
export const TARGET_HEALTH = ["HEALTHY", "UNHEALTHY", "DNS_ERROR", "HEALTHCHECKS_OFF"] as const;
export type TargetHealth = (typeof TARGET_HEALTH)[number];

/** Every target of every upstream the data plane runs, with its health there. */
export const upstreamHealthSchema = z
  .array(
    z.object({
      upstream: z.string().max(255),
      target: z.string().max(512),
      health: z.enum(TARGET_HEALTH),
      /** the addresses a host name resolved to, each with its own health */
      addresses: z
        .array(z.object({ address: z.string().max(64), health: z.enum(TARGET_HEALTH) }))
        .max(256)
        .optional(),
    }),
  )
  .max(10000);
export type UpstreamHealthReport = z.infer<typeof upstreamHealthSchema>;

/** What a data plane reports about what it runs, with every registration and heartbeat. */
const appliedFields = {
  /** target health per upstream (issue 12); older data planes omit it */
  upstream_health: upstreamHealthSchema.nullable().default(null),
  applied_version: z.number().int().min(0).nullable().default(null),
  applied_hash: configHashSchema.nullable().default(null),
  /** what the data plane says about itself (ready, config source, cache state, last error) */
  status: z.record(z.string(), z.unknown()).nullable().default(null),
};

export const registerMessageSchema = z.object({
  id: dataPlaneIdSchema,
  hostname: z.string().max(255).nullable().default(null),
  /** how the control plane reaches its control endpoint */
  control_url: httpUrl,
  /** where clients reach its proxy listener (the request simulator); older data planes omit it */
  proxy_url: httpUrl.nullable().default(null),
  software_version: z.string().max(100).nullable().default(null),
  plugins: z.array(pluginInfoSchema.omit({ source: true })).max(1000),
  ...appliedFields,
});
/** What the data plane sends (defaults not applied yet). */
export type RegisterMessage = z.input<typeof registerMessageSchema>;

export const heartbeatMessageSchema = z.object({ id: dataPlaneIdSchema, ...appliedFields });
export type HeartbeatMessage = z.input<typeof heartbeatMessageSchema>;

/** The control plane's answer to a registration or a heartbeat. */
export const clusterAnswerSchema = z.object({
  latest_version: z.number().int().nullable(),
  latest_hash: configHashSchema.nullable(),
  heartbeat_interval_ms: z.number().int().min(100),
});
export type ClusterAnswer = z.infer<typeof clusterAnswerSchema>;

/** `GET /api/v1/dataplane/config`: the newest committed version. */
export const pulledConfigSchema = z.object({
  version: configVersionSchema,
  hash: configHashSchema.optional(),
  config: requiredValue,
});
export type PulledConfig = z.infer<typeof pulledConfigSchema>;

// ---------- X-Gatehouse-Trace ----------

export const DEBUG_HEADER = "x-gatehouse-debug";
export const TRACE_HEADER = "x-gatehouse-trace";

export const traceStepSchema = z.object({
  plugin: z.string(),
  /** rewrite, access, header_filter, body_filter, log, or error (a catch handler) */
  phase: z.string(),
  ms: z.number(),
  outcome: z.enum(["ok", "exit", "error", "recovered"]),
  /** true when this step is a catch handler */
  catch: z.literal(true).optional(),
});
export type TraceStep = z.infer<typeof traceStepSchema>;

/** How a data plane answered one request: the route, who produced the answer, each plugin step. */
export const traceSchema = z.object({
  /** the matched route's name (or id); null when none matched */
  route: z.string().nullable(),
  source: z
    .enum(["service", "exit", "error"])
    .describe("service, exit (a plugin answered) or error"),
  plugins: z.array(traceStepSchema),
  upstream_ms: z.number().nullable(),
});
export type Trace = z.infer<typeof traceSchema>;

/** The header value: JSON, non-ASCII escaped (header values are Latin-1). */
export function encodeTrace(trace: Trace): string {
  return JSON.stringify(trace).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The header as received; null when absent or not a trace. */
export function decodeTrace(raw: string | readonly string[] | undefined | null): Trace | null {
  if (typeof raw !== "string") return null;
  try {
    const parsed = traceSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
