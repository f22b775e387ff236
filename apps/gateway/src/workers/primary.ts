// --workers N: the primary's side. It forks the workers (node:cluster), hands each the running
// snapshot before it listens, has every worker compile and run each new snapshot before it counts
// as applied (a two-phase apply: prepare on all, then commit on all, or abort on all when one
// refuses), replaces a worker that dies (with backoff against crash loops), answers the workers'
// node-wide counter hits, shares target health, aggregates /metrics and drains them all at shutdown.
import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import type { ConfigError } from "@gatehouse/config";
import { MemoryCounterStore } from "@gatehouse/plugin-kit";
import { AggregatorRegistry } from "prom-client";
import type { Registry } from "prom-client";
import type { Logger } from "pino";
import type { GatewaySnapshot } from "../config/snapshot.js";
import type { ApplyGate, ConfigState } from "../config/state.js";
import type { HealthRegistry } from "../proxy/balancer/health.js";
import type { PrimaryRole } from "./roles.js";
import { isOurs } from "./protocol.js";
import type { CachedEntity } from "@gatehouse/plugins";
import type {
  Address,
  CacheAnswer,
  FromWorker,
  SnapshotHandoff,
  ToWorker,
  WorkerMetrics,
  WorkerStats,
} from "./protocol.js";

/** Metrics only the primary has right (the node's config and target health), never summed. */
const PRIMARY_OWNED = new Set([
  "gatehouse_config_version",
  "gatehouse_config_applies_total",
  "gatehouse_config_rejections_total",
  "gatehouse_upstream_target_health",
]);

/** A worker that lived shorter than this died of a crash loop: its replacement waits (backoff). */
const STABLE_MS = 10_000;
const BACKOFF_MAX_MS = 30_000;
const ASK_TIMEOUT_MS = 2_000;

interface Member {
  worker: Worker;
  pid: number;
  startedAt: Date;
  state: "starting" | "ready" | "stopping";
  version: number | null;
  hash: string | null;
  /** replies awaited from this worker, by message id (prepared, committed, answers) */
  waiting: Map<string, (m: FromWorker | null) => void>;
}

export interface WorkerPoolOptions {
  count: number;
  log: Logger;
  /** ms a draining worker gets at shutdown (--shutdown-grace) */
  shutdownGrace: number;
  /** ms a worker gets to compile or swap in a snapshot before the apply fails */
  applyTimeoutMs?: number;
}

export class WorkerPool {
  private readonly members = new Map<number, Member>();
  private running: SnapshotHandoff | null = null;
  private state: ConfigState<GatewaySnapshot> | undefined;
  private health: HealthRegistry | undefined;
  private registry: Registry | undefined;
  private readonly counters = new MemoryCounterStore();
  private seq = 0;
  private stopping = false;
  private restarts = 0;
  /** consecutive workers that died young: the next replacement's backoff */
  private crashes = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private healthQueued = false;
  private listeners: { proxy: Address; proxyTls: Address | null } | undefined;
  /** the first generation: resolved once every worker listens, rejected when one cannot start */
  private firstStart:
    { left: number; resolve: () => void; reject: (err: Error) => void } | undefined;

  constructor(private readonly opts: WorkerPoolOptions) {}

  /** What buildGateway needs for `role` (the gateway itself is attached after it is built). */
  role(): PrimaryRole {
    return {
      kind: "primary",
      gate: this.gate,
      listeners: () => {
        if (this.listeners === undefined) throw new Error("no worker has started yet");
        return {
          proxy: this.listeners.proxy,
          ...(this.listeners.proxyTls ? { proxyTls: this.listeners.proxyTls } : {}),
        };
      },
      status: () => this.status(),
      metrics: () => this.metrics(),
      proxyCache: {
        find: async (key, pluginId) => {
          const all = await this.cacheOp("find", key, pluginId);
          return all.find((a) => a.found !== undefined)?.found;
        },
        purge: async (key, pluginId) =>
          (await this.cacheOp("purge", key, pluginId)).some((a) => a.purged === true),
        flush: async () => {
          await this.cacheOp("flush", "");
        },
      },
    };
  }

  /** Fork the workers; resolves once every one runs the current snapshot and listens. */
  start(gateway: {
    state: ConfigState<GatewaySnapshot>;
    health: { registry: HealthRegistry };
    metrics: { registry: Registry };
  }): Promise<void> {
    this.state = gateway.state;
    this.health = gateway.health.registry;
    this.registry = gateway.metrics.registry;
    this.health.onChange(() => this.queueHealth());
    // Round-robin in the primary, deliberately (it is Node's default except on Windows, set here so
    // NODE_CLUSTER_SCHED_POLICY cannot change it): with SCHED_NONE Linux hands new connections to
    // whichever worker's accept wakes first, which piles most of them on one or two workers under
    // load. Round-robin costs one handle pass per connection (not per request: keep-alive).
    cluster.schedulingPolicy = cluster.SCHED_RR;
    cluster.setupPrimary({ silent: false });
    cluster.on("message", (worker, message: unknown) => {
      if (isOurs<FromWorker>(message)) this.onMessage(worker, message);
    });
    cluster.on("exit", (worker, code, signal) => this.onExit(worker, code, signal));
    return new Promise((resolve, reject) => {
      this.firstStart = { left: this.opts.count, resolve, reject };
      for (let i = 0; i < this.opts.count; i++) this.fork();
    });
  }

  private fork(): void {
    const worker = cluster.fork();
    const pid = worker.process.pid ?? 0;
    this.members.set(worker.id, {
      worker,
      pid,
      startedAt: new Date(),
      state: "starting",
      version: null,
      hash: null,
      waiting: new Map(),
    });
  }

  private send(m: Member, message: ToWorker): void {
    if (!m.worker.isConnected()) return;
    m.worker.send(message, (err: Error | null) => {
      if (err) this.opts.log.debug({ err: err.message, pid: m.pid }, "IPC send to a worker failed");
    });
  }

  /** The worker's next reply with this key (null: it exited, or timed out). */
  private reply(m: Member, key: string, timeoutMs: number): Promise<FromWorker | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        m.waiting.delete(key);
        resolve(null);
      }, timeoutMs);
      m.waiting.set(key, (msg) => {
        clearTimeout(timer);
        m.waiting.delete(key);
        resolve(msg);
      });
    });
  }

  private onMessage(worker: Worker, message: FromWorker): void {
    const m = this.members.get(worker.id);
    if (m === undefined) return;
    switch (message.t) {
      case "hello":
        void this.join(m);
        return;
      case "started":
      case "failed":
        m.waiting.get("start")?.(message);
        return;
      case "prepared":
        m.waiting.get(`prepared:${message.id}`)?.(message);
        return;
      case "committed":
        m.waiting.get(`committed:${message.id}`)?.(message);
        return;
      case "answer":
        m.waiting.get(`answer:${message.id}`)?.(message);
        return;
      case "passive":
        for (const r of message.reports) this.health?.recordReport(r);
        return;
      case "hit": {
        const results = message.batch.map((h) => ({
          id: h.id,
          hit: this.counters.hit(h.counters, h.now),
        }));
        this.send(m, { t: "hits", results });
        return;
      }
    }
  }

  /** A new worker: between applies, it gets the running snapshot, then listens. */
  private async join(m: Member): Promise<void> {
    const state = this.state as ConfigState<GatewaySnapshot>;
    await state.exclusive(async () => {
      if (this.stopping) return;
      const answer = this.reply(m, "start", 60_000);
      this.send(m, { t: "start", snapshot: this.running, health: this.health?.views() ?? [] });
      const r = await answer;
      if (r?.t !== "started") {
        const message = r?.t === "failed" ? r.message : "it exited or did not start within 60 s";
        this.opts.log.error({ pid: m.pid, reason: message }, "a worker could not start");
        this.firstStart?.reject(new Error(`worker ${m.pid}: ${message}`));
        this.firstStart = undefined;
        m.worker.kill();
        return;
      }
      m.state = "ready";
      m.version = this.running?.version ?? null;
      m.hash = state.current?.meta.hash ?? null;
      this.listeners ??= { proxy: r.proxy, proxyTls: r.proxyTls };
      this.opts.log.info({ pid: m.pid, worker: m.worker.id, version: m.version }, "worker started");
      if (this.firstStart !== undefined && --this.firstStart.left === 0) {
        this.firstStart.resolve();
        this.firstStart = undefined;
      }
    });
  }

  /** ConfigState's gate: every ready worker compiles the snapshot, then every one swaps it in. */
  private readonly gate: ApplyGate<GatewaySnapshot> = async (snapshot, doc, source) => {
    const handoff: SnapshotHandoff = { doc, version: snapshot.meta.version, source };
    const id = ++this.seq;
    const timeout = this.opts.applyTimeoutMs ?? 60_000;
    const ready = [...this.members.values()].filter((m) => m.state === "ready");
    const prepared = await Promise.all(
      ready.map((m) => {
        const r = this.reply(m, `prepared:${id}`, timeout);
        this.send(m, { t: "prepare", id, ...handoff });
        return r.then((msg) => ({ m, msg }));
      }),
    );
    let refused: ConfigError[] | null = null;
    for (const { m, msg } of prepared) {
      // a worker that exited meanwhile is left out: its replacement starts with what runs then
      if (msg === null && !m.worker.isConnected()) continue;
      if (msg?.t === "prepared" && msg.errors === null) continue;
      const who = `worker ${m.worker.id} (pid ${m.pid})`;
      refused =
        msg?.t === "prepared" && msg.errors !== null
          ? msg.errors.map((e) => ({ path: e.path, message: `${who}: ${e.message}` }))
          : [{ path: "", message: `${who} did not compile the config within ${timeout} ms` }];
      break;
    }
    const ok = prepared.filter((p) => p.msg?.t === "prepared" && p.msg.errors === null);
    if (refused !== null) {
      for (const { m } of ok) this.send(m, { t: "decide", id, commit: false });
      return refused;
    }
    const committed = await Promise.all(
      ok.map(({ m }) => {
        const r = this.reply(m, `committed:${id}`, timeout);
        this.send(m, { t: "decide", id, commit: true });
        return r.then((msg) => ({ m, msg }));
      }),
    );
    for (const { m, msg } of committed) {
      if (msg === null) continue;
      m.version = snapshot.meta.version;
      m.hash = snapshot.meta.hash;
    }
    this.running = handoff;
    this.queueHealth(); // the new targets' state, once the primary runs the snapshot too
    return null;
  };

  private queueHealth(): void {
    if (this.healthQueued) return;
    this.healthQueued = true;
    setImmediate(() => {
      this.healthQueued = false;
      const views = this.health?.views() ?? [];
      for (const m of this.members.values()) {
        if (m.state === "ready") this.send(m, { t: "health", views });
      }
    });
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    const m = this.members.get(worker.id);
    if (m === undefined) return;
    this.members.delete(worker.id);
    for (const resolve of [...m.waiting.values()]) resolve(null);
    if (this.stopping) return;
    const lived = Date.now() - m.startedAt.getTime();
    this.crashes = lived < STABLE_MS ? this.crashes + 1 : 0;
    const delay = this.crashes === 0 ? 0 : Math.min(BACKOFF_MAX_MS, 500 * 2 ** (this.crashes - 1));
    this.opts.log.error(
      { pid: m.pid, worker: worker.id, code, signal, restartInMs: delay },
      "a worker exited; starting a replacement",
    );
    if (this.firstStart !== undefined) {
      this.firstStart.reject(new Error(`worker ${m.pid} exited (code ${code}, signal ${signal})`));
      this.firstStart = undefined;
      return;
    }
    this.restarts++;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.stopping) this.fork();
    }, delay);
  }

  private async ask<T>(m: Member, what: "metrics" | "stats"): Promise<T | null> {
    const id = ++this.seq;
    const r = this.reply(m, `answer:${id}`, ASK_TIMEOUT_MS);
    this.send(m, { t: "ask", id, what });
    const msg = await r;
    return msg?.t === "answer" ? (msg.value as T) : null;
  }

  /**
   * A proxy-cache control call run by every ready worker (memory entries live in each); a worker
   * whose store fails, or that does not answer, fails the call (the route answers 503).
   */
  private async cacheOp(
    op: "find" | "purge" | "flush",
    key: string,
    pluginId?: string,
  ): Promise<{ found?: CachedEntity; purged?: boolean }[]> {
    const ready = [...this.members.values()].filter((m) => m.state === "ready");
    const answers = await Promise.all(
      ready.map(async (m) => {
        const id = ++this.seq;
        const r = this.reply(m, `answer:${id}`, ASK_TIMEOUT_MS);
        this.send(m, { t: "cache", id, op, key, ...(pluginId !== undefined ? { pluginId } : {}) });
        const msg = await r;
        const value = msg?.t === "answer" ? (msg.value as CacheAnswer) : null;
        if (value === null) throw new Error(`worker ${m.worker.id} did not answer`);
        if (!value.ok) throw new Error(value.message);
        return value;
      }),
    );
    return answers;
  }

  /** `workers` in /v1/status (and the heartbeat's status). */
  async status(): Promise<Record<string, unknown>> {
    const now = Date.now();
    const members = [...this.members.values()];
    const stats = await Promise.all(
      members.map((m) => (m.state === "ready" ? this.ask<WorkerStats>(m, "stats") : null)),
    );
    return {
      workers: members.map((m, i) => ({
        id: m.worker.id,
        pid: m.pid,
        state: m.state,
        version: m.version,
        hash: m.hash,
        started_at: m.startedAt.toISOString(),
        uptime_s: Math.round((now - m.startedAt.getTime()) / 1000),
        requests: stats[i]?.requests ?? null,
        connections: stats[i]?.connections ?? null,
      })),
      worker_restarts: this.restarts,
    };
  }

  /** Every worker's metrics and the primary's, aggregated (prom-client's cluster aggregator). */
  async metrics(): Promise<string> {
    const own = (await this.registry?.getMetricsAsJSON()) ?? [];
    const ready = [...this.members.values()].filter((m) => m.state === "ready");
    const theirs = await Promise.all(ready.map((m) => this.ask<WorkerMetrics>(m, "metrics")));
    const workers = theirs
      .filter((w): w is WorkerMetrics => w !== null)
      .map((w) => w.filter((metric) => !PRIMARY_OWNED.has(metric.name)));
    return AggregatorRegistry.aggregate([own, ...workers]).metrics();
  }

  /** Drain every worker within `shutdownGrace`; what is left after it (and a second) is killed. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const members = [...this.members.values()];
    const exits = members.map(
      (m) =>
        new Promise<void>((resolve) => {
          if (m.worker.isDead()) return resolve();
          m.worker.once("exit", () => resolve());
        }),
    );
    for (const m of members) {
      m.state = "stopping";
      this.send(m, { t: "shutdown" });
    }
    const timer = setTimeout(() => {
      for (const m of members) if (!m.worker.isDead()) m.worker.process.kill("SIGKILL");
    }, this.opts.shutdownGrace + 1000);
    timer.unref();
    await Promise.all(exits);
    clearTimeout(timer);
  }
}
