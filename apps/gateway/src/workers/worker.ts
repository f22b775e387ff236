// --workers N: a worker's side. It serves the proxy listeners (shared through node:cluster) and
// nothing else: it starts listening only once it runs the snapshot the primary handed it, compiles
// and swaps in each new one when the primary says so (two-phase), follows the primary's target
// health, reports its passive health events, and counts node-wide through the primary. It exits
// when the primary tells it to (after draining) and when the primary is gone (no orphans).
import type { ConfigError } from "@gatehouse/config";
import type { CounterHit, CounterStore, WindowCounter } from "@gatehouse/plugin-kit";
import type { Logger } from "pino";
import { buildGateway } from "../server.js";
import type { GatewayOptions } from "../server.js";
import type { PassiveReport } from "../proxy/balancer/health.js";
import { isOurs } from "./protocol.js";
import { localProxyCacheOps } from "../cluster/proxy-cache-control.js";
import type { Address, CacheAnswer, FromWorker, HitRequest, ToWorker } from "./protocol.js";

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

/** The primary's counters, asked over IPC: the hits of one event-loop turn go in one message. */
export class RemoteCounterStore implements CounterStore {
  private batch: HitRequest[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (h: CounterHit) => void; reject: (e: Error) => void; at: number }
  >();
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs = 5000) {}

  hit(counters: readonly WindowCounter[], now: number): Promise<CounterHit> {
    return new Promise((resolve, reject) => {
      const id = ++this.seq;
      this.pending.set(id, { resolve, reject, at: now });
      if (this.batch.length === 0) setImmediate(() => this.flush());
      this.batch.push({
        id,
        counters: counters.map(({ key, limit, left }) => ({ key, limit, left })),
        now,
      });
    });
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    if (!process.connected) {
      this.fail(
        batch.map((h) => h.id),
        "the primary is gone",
      );
      return;
    }
    send({ t: "hit", batch });
    this.timer ??= setInterval(() => this.expire(), 1000).unref();
  }

  settle(results: { id: number; hit: CounterHit }[]): void {
    for (const r of results) {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      p?.resolve(r.hit);
    }
  }

  private expire(): void {
    const limit = Date.now() - this.timeoutMs;
    const late = [...this.pending].filter(([, p]) => p.at < limit).map(([id]) => id);
    this.fail(late, `the primary did not answer within ${this.timeoutMs} ms`);
    if (this.pending.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private fail(ids: number[], reason: string): void {
    for (const id of ids) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.reject(new Error(`node-wide counters: ${reason}`));
    }
  }
}

/** Passive health events of one event-loop turn, sent to the primary in one message. */
function passiveSender(): (report: PassiveReport) => void {
  let reports: PassiveReport[] = [];
  return (report) => {
    if (reports.length === 0) {
      setImmediate(() => {
        const batch = reports;
        reports = [];
        send({ t: "passive", reports: batch });
      });
    }
    reports.push(report);
  };
}

export function runWorker(opts: GatewayOptions & { log: Logger; shutdownGrace: number }): void {
  const log = opts.log;
  const counters = new RemoteCounterStore();
  const gateway = buildGateway({
    ...opts,
    logger: log,
    // the primary keeps the cache and talks to the control plane
    cacheDir: undefined,
    role: { kind: "worker", nodeCounters: counters },
  });
  gateway.health.registry.passiveSink = passiveSender();
  const decisions = new Map<number, (commit: boolean) => void>();
  const cache = localProxyCacheOps(gateway.state);
  const cacheOp = async (m: Extract<ToWorker, { t: "cache" }>): Promise<CacheAnswer> => {
    try {
      if (m.op === "find") return { ok: true, found: await cache.find(m.key, m.pluginId) };
      if (m.op === "purge") return { ok: true, purged: await cache.purge(m.key, m.pluginId) };
      await cache.flush();
      return { ok: true };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  };

  let exiting = false;
  const exit = (why: string, code: number): void => {
    if (exiting) return;
    exiting = true;
    log.info({ reason: why }, "worker stopping");
    const hard = setTimeout(() => process.exit(code), opts.shutdownGrace + 500);
    hard.unref();
    gateway.close().then(
      () => process.exit(code),
      (err: unknown) => {
        log.error({ err }, "error during shutdown");
        process.exit(1);
      },
    );
  };

  const address = (server: { address(): unknown }, host: string): Address | null => {
    const a = server.address() as { port: number } | null;
    return a !== null && typeof a === "object" ? { host, port: a.port } : null;
  };

  const start = async (m: Extract<ToWorker, { t: "start" }>): Promise<void> => {
    if (m.snapshot !== null) {
      const r = await gateway.state.apply(
        m.snapshot.doc,
        m.snapshot.version,
        m.snapshot.source,
        true,
      );
      if (!r.ok) {
        send({ t: "failed", message: r.errors.map((e) => `${e.path}: ${e.message}`).join("; ") });
        exit("refused the running snapshot", 1);
        return;
      }
    }
    gateway.health.registry.adopt(m.health);
    try {
      await gateway.listen();
    } catch (err) {
      send({ t: "failed", message: `cannot listen: ${(err as Error).message}` });
      exit("cannot listen", 1);
      return;
    }
    const proxy = address(gateway.proxy.server, opts.listen?.host ?? "127.0.0.1");
    const tls =
      gateway.proxyTls && opts.listenTls
        ? address(gateway.proxyTls.server, opts.listenTls.host)
        : null;
    send({ t: "started", proxy: proxy ?? { host: "", port: 0 }, proxyTls: tls });
  };

  const prepare = async (m: Extract<ToWorker, { t: "prepare" }>): Promise<void> => {
    let gated = false;
    const r = await gateway.state.apply(m.doc, m.version, m.source, true, async () => {
      gated = true;
      const decided = new Promise<boolean>((resolve) => decisions.set(m.id, resolve));
      send({ t: "prepared", id: m.id, errors: null });
      const commit = await decided;
      decisions.delete(m.id);
      return commit
        ? null
        : ([{ path: "", message: "another worker refused this config" }] satisfies ConfigError[]);
    });
    if (r.ok) send({ t: "committed", id: m.id });
    else if (!gated) send({ t: "prepared", id: m.id, errors: r.errors });
  };

  process.on("message", (message: unknown) => {
    if (!isOurs<ToWorker>(message)) return;
    switch (message.t) {
      case "start":
        void start(message);
        return;
      case "prepare":
        void prepare(message);
        return;
      case "decide":
        decisions.get(message.id)?.(message.commit);
        return;
      case "health":
        gateway.health.registry.adopt(message.views);
        return;
      case "hits":
        counters.settle(message.results);
        return;
      case "ask":
        void (async () => {
          const value =
            message.what === "metrics"
              ? await gateway.metrics.registry.getMetricsAsJSON()
              : {
                  requests: gateway.metrics.requestCount(),
                  connections: await gateway.metrics.openConnections(),
                };
          send({ t: "answer", id: message.id, value });
        })();
        return;
      case "cache":
        void cacheOp(message).then((value) => send({ t: "answer", id: message.id, value }));
        return;
      case "shutdown":
        exit("the primary is shutting down", 0);
        return;
    }
  });
  // the primary is gone (killed, crashed): never an orphan
  process.on("disconnect", () => exit("the primary is gone", 0));
  // the primary coordinates shutdown: a Ctrl-C or a SIGHUP to the process group reaches it too
  process.on("SIGINT", () => undefined);
  process.on("SIGHUP", () => undefined);
  process.once("SIGTERM", () => exit("SIGTERM", 0));
  send({ t: "hello" });
}
