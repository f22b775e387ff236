// The messages between the primary and its workers (--workers), over node:cluster's IPC channel.
// Internal to one data plane (both sides are this same program), unlike the cluster protocol with
// the control plane, which lives in @gatehouse/config.
import type { ConfigError } from "@gatehouse/config";
import type { CounterHit, WindowCounter } from "@gatehouse/plugin-kit";
import type { CachedEntity } from "@gatehouse/plugins";
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { SnapshotSource } from "../config/state.js";
import type { PassiveReport, TargetView } from "../proxy/balancer/health.js";

export interface Address {
  host: string;
  port: number;
}

/** A snapshot as the primary hands it to a worker: the declarative document and its version. */
export interface SnapshotHandoff {
  doc: unknown;
  version: number;
  source: SnapshotSource;
}

export interface HitRequest {
  id: number;
  counters: WindowCounter[];
  now: number;
}

/** What a worker answers `ask`. */
export interface WorkerStats {
  requests: number;
  connections: number;
}

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type ToWorker =
  /** the running snapshot (null: none yet) and target health; the worker listens once it runs it */
  | { t: "start"; snapshot: SnapshotHandoff | null; health: TargetView[] }
  /** compile this snapshot and say so; swap it in only on `decide` with commit */
  | ({ t: "prepare"; id: number } & SnapshotHandoff)
  | { t: "decide"; id: number; commit: boolean }
  | { t: "health"; views: TargetView[] }
  | { t: "hits"; results: { id: number; hit: CounterHit }[] }
  | { t: "ask"; id: number; what: "metrics" | "stats" }
  /** a proxy-cache control call, run over the worker's own stores */
  | { t: "cache"; id: number; op: "find" | "purge" | "flush"; key: string; pluginId?: string }
  | { t: "shutdown" };

export type FromWorker =
  | { t: "hello" }
  | { t: "started"; proxy: Address; proxyTls: Address | null }
  | { t: "failed"; message: string }
  /** null: compiled, waiting for `decide`; errors: refused */
  | { t: "prepared"; id: number; errors: ConfigError[] | null }
  | { t: "committed"; id: number }
  | { t: "passive"; reports: PassiveReport[] }
  | { t: "hit"; batch: HitRequest[] }
  | { t: "answer"; id: number; value: WorkerStats | WorkerMetrics | CacheAnswer };

/** A worker's answer to `cache`: what it found or purged, or its store's failure. */
export type CacheAnswer =
  { ok: true; found?: CachedEntity; purged?: boolean } | { ok: false; message: string };

/** Whether `m` is one of ours (node:cluster and prom-client send their own on the same channel). */
export function isOurs<T extends { t: string }>(m: unknown): m is T {
  return typeof m === "object" && m !== null && typeof (m as { t?: unknown }).t === "string";
}
