/** What a process of `--workers` is given by its pool: the primary's part, or a worker's. */
import type { CounterStore } from "@gatehouse/plugin-kit";
import type { ProxyCacheOps } from "../cluster/proxy-cache-control.js";
import type { GatewaySnapshot } from "../config/snapshot.js";
import type { ApplyGate } from "../config/state.js";

/**
 * --workers: what the primary (control endpoint, cache, agent, health probes, node-wide counters;
 * no proxy listener) needs from its worker pool (workers/primary.ts).
 */
export interface PrimaryRole {
  kind: "primary";
  /** every worker compiles the snapshot and runs it before the primary counts it as applied */
  gate: ApplyGate<GatewaySnapshot>;
  /** the proxy listeners as the workers bound them (for the control plane and the deny list) */
  listeners(): { proxy: { host: string; port: number }; proxyTls?: { host: string; port: number } };
  /** `workers` of /v1/status and heartbeats */
  status(): Promise<Record<string, unknown>>;
  /** /metrics: every worker's and the primary's, aggregated */
  metrics(): Promise<string>;
  /** the proxy-cache control routes over every worker's stores (memory entries live there) */
  proxyCache: ProxyCacheOps;
}

/** --workers: a worker serves the proxy listeners only; the primary owns the rest. */
export interface WorkerRole {
  kind: "worker";
  /** the node-wide counters (the primary's), for plugins (DataPlaneOptions.nodeCounters) */
  nodeCounters: CounterStore;
}
