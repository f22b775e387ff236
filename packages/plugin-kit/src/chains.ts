import type { CatchHandler, ConfigError, PhaseHandler, PluginDefinition } from "./define.js";
import { validatePluginConfig } from "./define.js";
import type { Phase } from "./phases.js";
import { PHASE_BIT, PHASES } from "./phases.js";

/** One plugin instance as configured (ids as the gateway normalized them). */
export interface PluginInstanceSpec {
  id?: string;
  name: string;
  config: unknown;
  enabled?: boolean;
  service?: string | null;
  route?: string | null;
  consumer?: string | null;
}

export interface ChainEntry {
  readonly def: PluginDefinition;
  readonly name: string;
  readonly priority: number;
  readonly config: unknown;
  readonly instanceId: string | undefined;
  /** Bit set (PHASE_BIT) of the phases this instance runs in: declared ∩ def.phasesFor(config). */
  readonly phaseMask: number;
}

/** Phases `def` runs in for `config`, as a PHASE_BIT mask; computed once per instance. */
export function phaseMaskOf(def: PluginDefinition, config: unknown): number {
  let declared = 0;
  for (const p of PHASES) if (def.phases[p]) declared |= PHASE_BIT[p];
  if (!def.phasesFor) return declared;
  let wanted = 0;
  for (const p of def.phasesFor(config)) wanted |= PHASE_BIT[p]; // an unknown name adds nothing (undefined | n === n)
  return declared & wanted;
}

export interface PhaseEntry extends ChainEntry {
  readonly handler: PhaseHandler<unknown>;
}

export interface CatchEntry extends ChainEntry {
  readonly handler: CatchHandler<unknown>;
}

interface Instance extends ChainEntry {
  readonly route: string | undefined;
  readonly service: string | undefined;
  readonly consumer: string | undefined;
  /** Kong's precedence: 1 = route+service+consumer … 8 = global. */
  readonly rank: number;
}

function rankOf(route: boolean, service: boolean, consumer: boolean): number {
  if (consumer) return route && service ? 1 : route ? 2 : service ? 3 : 5;
  return route && service ? 4 : route ? 6 : service ? 7 : 8;
}

export class ChainCompileError extends Error {
  override readonly name = "ChainCompileError";
  constructor(readonly errors: ConfigError[]) {
    super(errors.map((e) => `${e.path}: ${e.message}`).join("; "));
  }
}

export interface ConsumerRef {
  id: string;
  username?: string | null;
}

/** The ordered plugin chain for one route (+ service, + consumer), with per-phase arrays. */
export class Chain {
  readonly entries: readonly ChainEntry[];
  readonly rewrite: readonly PhaseEntry[];
  readonly access: readonly PhaseEntry[];
  readonly header_filter: readonly PhaseEntry[];
  readonly body_filter: readonly PhaseEntry[];
  readonly log: readonly PhaseEntry[];
  readonly catchers: readonly CatchEntry[];
  readonly isEmpty: boolean;
  readonly hasBodyFilter: boolean;
  /** a plugin of this chain wants every phase call timed (PluginSpec.phaseTimings): the runner records them */
  readonly timed: boolean;
  private readonly consumerChains = new Map<string, Chain>();

  /** @internal */
  constructor(
    entries: ChainEntry[],
    private readonly owner: Chains | undefined,
    private readonly routeKey: string,
    private readonly serviceKey: string,
    readonly consumerKey: string,
  ) {
    entries.sort((a, b) => b.priority - a.priority);
    this.entries = entries;
    const byPhase = (p: Phase): PhaseEntry[] => {
      const out: PhaseEntry[] = [];
      for (const e of entries) {
        const h = e.def.phases[p];
        if (h && (e.phaseMask & PHASE_BIT[p]) !== 0)
          out.push({ ...e, handler: h as PhaseHandler<unknown> });
      }
      return out;
    };
    this.rewrite = byPhase("rewrite");
    this.access = byPhase("access");
    this.header_filter = byPhase("header_filter");
    this.body_filter = byPhase("body_filter");
    this.log = byPhase("log");
    const catchers: CatchEntry[] = [];
    for (const e of entries) {
      if (e.def.catch) catchers.push({ ...e, handler: e.def.catch as CatchHandler<unknown> });
    }
    this.catchers = catchers;
    this.isEmpty = entries.length === 0;
    this.hasBodyFilter = this.body_filter.length > 0;
    this.timed = entries.some((e) => e.def.phaseTimings === true);
  }

  get plugins(): {
    name: string;
    version: string;
    priority: number;
    instanceId: string | undefined;
  }[] {
    return this.entries.map((e) => ({
      name: e.name,
      version: e.def.version,
      priority: e.priority,
      instanceId: e.instanceId,
    }));
  }

  /** The chain once `consumer` is authenticated (same object when no consumer-scoped instance applies). */
  forConsumer(consumer: ConsumerRef | undefined): Chain {
    if (!consumer || !this.owner || this.consumerKey !== "") return this;
    const key = this.owner.consumerKeyOf(consumer);
    if (key === "") return this;
    let c = this.consumerChains.get(key);
    if (!c) {
      c = this.owner.resolve(this.routeKey, this.serviceKey, key);
      this.consumerChains.set(key, c);
    }
    return c;
  }
}

/** All chains of one config snapshot. */
export class Chains {
  private readonly byName = new Map<string, Instance[]>();
  private readonly routes = new Set<string>();
  private readonly services = new Set<string>();
  private readonly consumers = new Set<string>();
  private readonly memo = new Map<string, Chain>();

  /** @internal */
  constructor(instances: Instance[]) {
    for (const inst of instances) {
      let list = this.byName.get(inst.name);
      if (!list) this.byName.set(inst.name, (list = []));
      list.push(inst);
      if (inst.route !== undefined) this.routes.add(inst.route);
      if (inst.service !== undefined) this.services.add(inst.service);
      if (inst.consumer !== undefined) this.consumers.add(inst.consumer);
    }
    for (const list of this.byName.values()) list.sort((a, b) => a.rank - b.rank);
  }

  /** Every enabled config of plugin `name` in this snapshot (for PluginDefinition.retain). */
  configsOf(name: string): unknown[] {
    return (this.byName.get(name) ?? []).map((i) => i.config);
  }

  /** The chain for a matched route (undefined route: global plugins + service). Memoized. */
  forRoute(routeId: string | undefined | null, serviceId: string | undefined | null): Chain {
    const r = routeId != null && this.routes.has(routeId) ? routeId : "";
    const s = serviceId != null && this.services.has(serviceId) ? serviceId : "";
    const key = `${r}\u0000${s}`;
    let c = this.memo.get(key);
    if (!c) {
      c = this.resolve(r, s, "");
      this.memo.set(key, c);
    }
    return c;
  }

  /** @internal */
  consumerKeyOf(consumer: ConsumerRef): string {
    if (this.consumers.has(consumer.id)) return consumer.id;
    if (consumer.username != null && this.consumers.has(consumer.username))
      return consumer.username;
    return "";
  }

  /** @internal */
  resolve(route: string, service: string, consumer: string): Chain {
    const picked: ChainEntry[] = [];
    for (const list of this.byName.values()) {
      for (const inst of list) {
        if (inst.route !== undefined && inst.route !== route) continue;
        if (inst.service !== undefined && inst.service !== service) continue;
        if (inst.consumer !== undefined && inst.consumer !== consumer) continue;
        picked.push(inst);
        break;
      }
    }
    return new Chain(picked, this, route, service, consumer);
  }
}

export interface CompileOptions {
  /** Configs were already validated (defaults applied): skip validation. */
  prevalidated?: boolean;
}

export type CompileResult = { ok: true; chains: Chains } | { ok: false; errors: ConfigError[] };

export function tryCompileChains(
  specs: readonly PluginInstanceSpec[],
  catalog: ReadonlyMap<string, PluginDefinition>,
  opts: CompileOptions = {},
): CompileResult {
  const errors: ConfigError[] = [];
  const instances: Instance[] = [];
  const seen = new Map<string, number>();
  specs.forEach((spec, i) => {
    const def = catalog.get(spec.name);
    if (!def) {
      errors.push({ path: `plugins[${i}].name`, message: `unknown plugin "${spec.name}"` });
      return;
    }
    let config: unknown = spec.config;
    if (!opts.prevalidated) {
      const v = validatePluginConfig(def, spec.config, `plugins[${i}].config`);
      if (!v.ok) {
        errors.push(...v.errors);
        return;
      }
      config = v.config;
    }
    const route = spec.route ?? undefined;
    const service = spec.service ?? undefined;
    const consumer = spec.consumer ?? undefined;
    const scopeKey = `${spec.name}\u0000${route ?? ""}\u0000${service ?? ""}\u0000${consumer ?? ""}`;
    const prev = seen.get(scopeKey);
    if (prev !== undefined) {
      errors.push({
        path: `plugins[${i}]`,
        message: `plugin "${spec.name}" is already configured for this scope (plugins[${prev}])`,
      });
      return;
    }
    seen.set(scopeKey, i);
    if (spec.enabled === false) return;
    let phaseMask: number;
    try {
      phaseMask = phaseMaskOf(def, config);
    } catch (err) {
      errors.push({
        path: `plugins[${i}].config`,
        message: `plugin "${spec.name}" could not decide its phases for this config: ${(err as Error).message}`,
      });
      return;
    }
    instances.push({
      def,
      name: def.name,
      priority: def.priority,
      config,
      instanceId: spec.id,
      phaseMask,
      route,
      service,
      consumer,
      rank: rankOf(route !== undefined, service !== undefined, consumer !== undefined),
    });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, chains: new Chains(instances) };
}

/** Validates every config and builds the chains; throws ChainCompileError (with .errors) on failure. */
export function compileChains(
  specs: readonly PluginInstanceSpec[],
  catalog: ReadonlyMap<string, PluginDefinition>,
  opts: CompileOptions = {},
): Chains {
  const r = tryCompileChains(specs, catalog, opts);
  if (!r.ok) throw new ChainCompileError(r.errors);
  return r.chains;
}

/** A chain built directly from definitions and configs (tests, tools). */
export function chainOf(entries: { def: PluginDefinition; config: unknown; id?: string }[]): Chain {
  return new Chain(
    entries.map((e) => ({
      def: e.def,
      name: e.def.name,
      priority: e.def.priority,
      config: e.config,
      instanceId: e.id,
      phaseMask: phaseMaskOf(e.def, e.config),
    })),
    undefined,
    "",
    "",
    "",
  );
}
