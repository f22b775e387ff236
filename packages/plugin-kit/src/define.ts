import { formatPath, fromZodIssues, joinPath } from "@gatehouse/config";
import type { ConfigError } from "@gatehouse/config";
import { z } from "zod";
import type { Phase } from "./phases.js";
import { PHASES } from "./phases.js";
import type { Kit } from "./types.js";
import type { CounterStore } from "./counters.js";

export type PhaseHandler<C> = (kit: Kit, config: C) => void | Promise<void>;
export type CatchHandler<C> = (kit: Kit, config: C, error: unknown) => void | Promise<void>;
export type PluginPhases<C> = Partial<Record<Phase, PhaseHandler<C>>>;

export type PluginScope = "global" | "service" | "route" | "consumer";
export type PluginCategory =
  | "authentication"
  | "security"
  | "traffic control"
  | "transformation"
  | "logging"
  | "observability"
  | "utilities";

export interface PluginMeta {
  title?: string;
  category?: PluginCategory;
  summary?: string;
  /** Markdown: what it does, config reference, examples. */
  readme?: string;
  icon?: string;
  /** Scopes the plugin may be configured on; default all four. */
  scopes?: readonly PluginScope[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface PluginDefinition<C = any> {
  readonly name: string;
  readonly version: string;
  readonly priority: number;
  readonly phases: PluginPhases<C>;
  readonly catch?: CatchHandler<C> | undefined;
  readonly configSchema: z.ZodType<C>;
  readonly meta: PluginMeta & { scopes: readonly PluginScope[]; phases: readonly Phase[] };
  /** Lifecycle: see PluginSpec.retain. */
  readonly retain?: ((configs: readonly C[]) => void | Promise<void>) | undefined;
  /** Lifecycle: see PluginSpec.dispose. */
  readonly dispose?: (() => void | Promise<void>) | undefined;
  /** See PluginSpec.phasesFor. */
  readonly phasesFor?: ((config: C) => readonly Phase[]) | undefined;
  /** See PluginSpec.phaseTimings. */
  readonly phaseTimings?: boolean | undefined;
  /** See PluginSpec.bind. */
  readonly bind?: ((config: C, options: DataPlaneOptions) => ValidationResult<C>) | undefined;
}

/** Kong's `tracing_sampling_rate` default (kong.conf): 1 trace in 100. */
export const DEFAULT_TRACING_SAMPLING_RATE = 0.01;

/** The data plane's own settings a plugin may depend on (like Kong's `kong.configuration`). */
export interface DataPlaneOptions {
  /**
   * --tracing-sampling-rate (Kong's `tracing_sampling_rate`, 0 to 1): the probability a new trace is
   * sampled where a tracing plugin's config sets none; undefined = DEFAULT_TRACING_SAMPLING_RATE.
   */
  readonly tracingSamplingRate?: number;
  /**
   * --file-log-dir: the directories plugins may write files in, absolute with symlinks resolved
   * (created on first use). Throws when one cannot be created or resolved.
   */
  readonly fileLogDirs: readonly string[];
  /**
   * The data plane's Prometheus registry (prom-client's `Registry`), served by `GET /metrics` on its
   * control port; undefined where there is none (tests, tools). A plugin that exports metrics (like
   * Kong's prometheus) registers its metric families there from `bind`, once per registry, and keeps
   * them for the configs it bound (several data planes may run in one process, each with its own).
   */
  readonly metricsRegistry?: unknown;
  /**
   * Fixed-window counters shared by every process of this data plane (under --workers the primary
   * owns them and the workers ask it over IPC, so `hit` answers a promise); undefined when the data
   * plane is one process: a plugin then counts in a MemoryCounterStore of its own (synchronous).
   * Node-wide, never cluster-wide: counters shared by several data planes belong in Redis.
   */
  readonly nodeCounters?: CounterStore;
  /**
   * The health of every target of every upstream this data plane balances over, as it is now (read
   * when called; Kong's `kong.upstreams` health); undefined where there is no balancer (tests, tools).
   */
  readonly upstreamHealth?: () => readonly UpstreamTargetHealth[];
}

/** One target's health on this data plane (`health`: HEALTHY, UNHEALTHY, DNS_ERROR, HEALTHCHECKS_OFF). */
export interface UpstreamTargetHealth {
  upstream: string;
  target: string;
  health: string;
  /** the addresses a host-name target resolved to, each with its health */
  addresses?: readonly { address: string; health: string }[];
}

export interface PluginSpec<S extends z.ZodType> {
  name: string;
  version: string;
  priority: number;
  phases: PluginPhases<z.output<S>>;
  catch?: CatchHandler<z.output<S>>;
  configSchema: S;
  meta?: PluginMeta;
  /**
   * Called by the data plane after a config snapshot became active, with every enabled config of this
   * plugin in it (validated, defaults applied): release process-wide resources (connections, timers)
   * held for configs no longer listed. Errors are logged, never fatal.
   */
  retain?: (configs: readonly z.output<S>[]) => void | Promise<void>;
  /** Called once when the data plane shuts down: release every process-wide resource. */
  dispose?: () => void | Promise<void>;
  /**
   * The phases one INSTANCE runs in, given its config (validated, defaults applied): a subset of
   * `phases` (others are ignored). Called once per instance when the chains are compiled, never per
   * request. Default: every declared phase. Use it to leave out phases a config makes no-ops — above
   * all body_filter, whose presence makes the data plane buffer the whole response body.
   */
  phasesFor?: (config: z.output<S>) => readonly Phase[];
  /**
   * The data plane's own check of a validated config, when it applies a snapshot (the control
   * plane, which knows neither the data plane's files nor its options, never calls it): returns the
   * config the instance runs with (e.g. a path resolved inside a directory the data plane allows)
   * or errors with paths relative to the config. Runs off the request path (sync file system calls
   * are fine); a refused instance makes the data plane refuse the whole snapshot (400).
   */
  bind?: (config: z.output<S>, options: DataPlaneOptions) => ValidationResult<z.output<S>>;
  /**
   * true: on the routes this plugin applies to, the runner times every plugin's phase calls and gives
   * them to the plugins as `kit.phaseTimings` (a tracer's per-plugin spans). Off by default: chains
   * without such a plugin take no timestamps.
   */
  phaseTimings?: boolean;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const ALL_SCOPES: readonly PluginScope[] = ["global", "service", "route", "consumer"];

export function definePlugin<S extends z.ZodType>(
  spec: PluginSpec<S>,
): PluginDefinition<z.output<S>> {
  if (!NAME.test(spec.name)) throw new TypeError(`plugin name "${spec.name}" must match ${NAME}`);
  if (!Number.isInteger(spec.priority))
    throw new TypeError(`plugin "${spec.name}": priority must be an integer`);
  if (typeof spec.version !== "string" || spec.version === "") {
    throw new TypeError(`plugin "${spec.name}": version must be a non-empty string`);
  }
  const phases: Phase[] = [];
  for (const key of Object.keys(spec.phases)) {
    if (!(PHASES as readonly string[]).includes(key)) {
      throw new TypeError(
        `plugin "${spec.name}": unknown phase "${key}" (expected one of ${PHASES.join(", ")})`,
      );
    }
    if (typeof spec.phases[key as Phase] !== "function") {
      throw new TypeError(`plugin "${spec.name}": phase "${key}" must be a function`);
    }
  }
  for (const hook of ["phasesFor", "bind"] as const) {
    if (spec[hook] !== undefined && typeof spec[hook] !== "function") {
      throw new TypeError(`plugin "${spec.name}": ${hook} must be a function`);
    }
  }
  for (const p of PHASES) if (spec.phases[p]) phases.push(p);
  return Object.freeze({
    name: spec.name,
    version: spec.version,
    priority: spec.priority,
    phases: Object.freeze({ ...spec.phases }),
    catch: spec.catch,
    configSchema: spec.configSchema as unknown as z.ZodType<z.output<S>>,
    meta: Object.freeze({ ...spec.meta, scopes: spec.meta?.scopes ?? ALL_SCOPES, phases }),
    retain: spec.retain,
    dispose: spec.dispose,
    phasesFor: spec.phasesFor,
    bind: spec.bind,
    phaseTimings: spec.phaseTimings,
  });
}

export type { ConfigError };

export type ValidationResult<C> = { ok: true; config: C } | { ok: false; errors: ConfigError[] };

/** Whether zod's issue carries the schema's own message (Kong's wording), not zod's default text. */
function ownMessage(issue: z.core.$ZodIssue): boolean {
  const fallback = z.config().localeError?.(issue as never);
  const text = typeof fallback === "string" ? fallback : fallback?.message;
  return text !== undefined && issue.message !== text;
}

/**
 * Validates a raw plugin config (missing → {}), applying defaults. Errors are `{ path, message }`
 * with paths `<prefix>.field` / `<prefix>.list[0]`: the schema's own message where it gives one,
 * else @gatehouse/config's readable reason (`is required`, `unknown field`, `must be a string, got
 * number`...), never zod's raw text.
 */
export function validatePluginConfig<C>(
  def: PluginDefinition<C>,
  raw: unknown,
  prefix = "config",
): ValidationResult<C> {
  const r = def.configSchema.safeParse(raw ?? {}, { reportInput: true });
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    errors: r.error.issues.flatMap((i) =>
      ownMessage(i)
        ? [{ path: joinPath(prefix, formatPath(i.path)), message: i.message }]
        : fromZodIssues([i], prefix),
    ),
  };
}

const ACRONYMS: Record<string, string> = {
  acl: "ACL",
  cidr: "CIDR",
  http: "HTTP",
  id: "ID",
  ip: "IP",
  json: "JSON",
  jwt: "JWT",
  html: "HTML",
  ssl: "SSL",
  uri: "URI",
  url: "URL",
  xml: "XML",
};

/** A config field's label from its name, Kong Manager style: `max_age` → "Max age", `http_endpoint` → "HTTP endpoint". */
export function fieldTitle(name: string): string {
  const words = name.split(/[_\s]+/).filter(Boolean);
  return words
    .map((w, i) => ACRONYMS[w] ?? (i === 0 ? w.charAt(0).toUpperCase() + w.slice(1) : w))
    .join(" ");
}

type JsonNode = Record<string, unknown>;

/** Gives every property (nested objects, array items, anyOf branches included) a `title` unless it has one. */
function addTitles(node: unknown): void {
  if (typeof node !== "object" || node === null) return;
  const n = node as JsonNode;
  const props = n.properties as Record<string, JsonNode> | undefined;
  for (const [key, child] of Object.entries(props ?? {})) {
    if (typeof child === "object" && child !== null && child.title === undefined) {
      child.title = fieldTitle(key);
    }
    addTitles(child);
  }
  for (const k of ["items", "additionalProperties"]) addTitles(n[k]);
  for (const k of ["anyOf", "oneOf", "allOf"]) {
    if (Array.isArray(n[k])) for (const c of n[k] as unknown[]) addTitles(c);
  }
  const defs = n.$defs as Record<string, unknown> | undefined;
  for (const d of Object.values(defs ?? {})) addTitles(d);
}

/**
 * JSON Schema of the config (what the admin form is generated from): every field titled (from its
 * name unless the schema gives one) and described (`.describe()`).
 */
export function configJsonSchema(def: PluginDefinition): Record<string, unknown> {
  const schema = z.toJSONSchema(def.configSchema, {
    io: "input",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  addTitles(schema);
  return schema;
}

/** name → definition; throws on a duplicate name or priority. */
export function catalogOf(defs: readonly PluginDefinition[]): Map<string, PluginDefinition> {
  const out = new Map<string, PluginDefinition>();
  const prio = new Map<number, string>();
  for (const d of defs) {
    if (out.has(d.name)) throw new Error(`duplicate plugin name "${d.name}"`);
    const other = prio.get(d.priority);
    if (other !== undefined) {
      throw new Error(
        `plugins "${other}" and "${d.name}" have the same priority ${d.priority}; priorities are unique`,
      );
    }
    out.set(d.name, d);
    prio.set(d.priority, d.name);
  }
  return out;
}
