// Active health checks (Kong's healthchecks.active): one prober per data plane. Healthy targets
// are probed every `healthy.interval` s, unhealthy ones every `unhealthy.interval` s (0 = not
// probed), at most `concurrency` probes at a time per upstream. An http(s) probe GETs `http_path`
// and judges the status by the http_statuses lists; a tcp probe only connects. No answer within
// `timeout` s is a timeout, a failed connection a tcp failure.
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { guardConnection } from "../guard.js";
import type { UpstreamGuard } from "../guard.js";
import type { HealthPolicy, HealthRegistry, HealthEvent, TargetState } from "./health.js";

export interface ProbedTarget {
  host: string;
  port: number;
  /** Host header of the probe */
  hostHeader: string;
  state: TargetState;
}

export interface ProbedUpstream {
  name: string;
  policy: HealthPolicy;
  /** the data plane's deny list: a probe never connects where traffic may not */
  guard: UpstreamGuard | undefined;
  targets: readonly ProbedTarget[];
}

interface Loop {
  upstream: ProbedUpstream;
  timers: NodeJS.Timeout[];
  running: Set<TargetState>;
}

export class ActiveProber {
  private loops = new Map<string, Loop>();

  constructor(private readonly registry: HealthRegistry) {}

  /** The upstreams of the running config; probing restarts for each (state is kept). */
  sync(upstreams: readonly ProbedUpstream[]): void {
    this.stop();
    for (const u of upstreams) {
      const a = u.policy.config.active;
      if (a.healthy.interval <= 0 && a.unhealthy.interval <= 0) continue;
      const loop: Loop = { upstream: u, timers: [], running: new Set() };
      for (const [interval, healthy] of [
        [a.healthy.interval, true],
        [a.unhealthy.interval, false],
      ] as const) {
        if (interval <= 0) continue;
        const timer = setInterval(() => this.round(loop, healthy), interval * 1000);
        timer.unref();
        loop.timers.push(timer);
      }
      this.loops.set(u.name, loop);
    }
  }

  stop(): void {
    for (const loop of this.loops.values()) for (const t of loop.timers) clearInterval(t);
    this.loops.clear();
  }

  private round(loop: Loop, healthy: boolean): void {
    const { upstream } = loop;
    const limit = upstream.policy.config.active.concurrency;
    for (const t of upstream.targets) {
      if (loop.running.size >= limit) break;
      if (t.state.healthy !== healthy || t.state.dnsError || loop.running.has(t.state)) continue;
      loop.running.add(t.state);
      void probe(upstream.policy, t, upstream.guard).then((event) => {
        loop.running.delete(t.state);
        if (this.loops.get(upstream.name) !== loop) return; // a newer config took over
        if (event) this.registry.record(t.state, upstream.policy, "active", event);
      });
    }
  }
}

/** One probe: the event it counts as (null: a status neither list names). */
export function probe(
  policy: HealthPolicy,
  t: ProbedTarget,
  guard?: UpstreamGuard,
): Promise<HealthEvent | null> {
  const a = policy.config.active;
  const timeoutMs = Math.max(1, a.timeout * 1000);
  const host = t.state.address(t.host);
  return new Promise((resolve) => {
    let settled = false;
    const done = (event: HealthEvent | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(event);
    };
    const timer = setTimeout(() => {
      done({ kind: "timeout" });
      cleanup();
    }, timeoutMs);
    let cleanup = () => undefined as void;
    const secure = a.type === "https";
    const servername = a.https_sni ?? (net.isIP(t.host) === 0 ? t.host : undefined);
    const connect = (opts: net.NetConnectOpts & { host?: string; port?: number }) => {
      const denied = guardConnection(guard, opts as never);
      if (denied) return denied;
      if (!secure) return net.createConnection(opts);
      return tls.connect({
        ...(opts as tls.ConnectionOptions),
        rejectUnauthorized: a.https_verify_certificate,
        ...(servername ? { servername } : {}),
      });
    };
    if (a.type === "tcp") {
      const socket = connect({ host, port: t.port });
      cleanup = () => socket.destroy();
      socket.once("connect", () => {
        socket.destroy();
        done({ kind: "success" });
      });
      socket.once("error", () => done({ kind: "tcp_failure" }));
      return;
    }
    const options: http.RequestOptions = {
      host,
      port: t.port,
      path: a.http_path,
      method: "GET",
      headers: { host: t.hostHeader, "user-agent": "gatehouse-healthcheck", ...flat(a.headers) },
      createConnection: connect as never,
    };
    const req = http.request(options, (res) => {
      res.resume();
      done(policy.activeStatus(res.statusCode ?? 0));
      req.destroy();
    });
    cleanup = () => req.destroy();
    req.once("error", () => done({ kind: "tcp_failure" }));
    req.end();
  });
}

function flat(headers: Record<string, string[]> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k] = v.join(", ");
  return out;
}
