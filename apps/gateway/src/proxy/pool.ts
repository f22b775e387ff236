import http from "node:http";
import https from "node:https";
import type { Duplex } from "node:stream";
import { isIP } from "node:net";
import type { TcpNetConnectOpts } from "node:net";
import { UpstreamPoolError } from "./errors.js";
import { createPicker } from "./balancer/algorithms.js";
import type { Picker } from "./balancer/algorithms.js";
import { PassiveHealth, balancingFingerprint } from "./balancer/balancing.js";
import type { BalancingSpec } from "./balancer/balancing.js";
import { HealthRegistry, TargetState } from "./balancer/health.js";
import { guardConnection } from "./guard.js";
import { upstreamTlsKey, upstreamTlsOptions } from "./upstream-tls.js";
import type { UpstreamTls } from "./upstream-tls.js";
import type { UpstreamGuard } from "./guard.js";

export interface TargetSpec {
  host: string;
  port: number;
  weight: number;
  /** the target as configured (`host:port`), its health key; default host:port */
  target?: string;
}

export interface UpstreamSpec {
  key: string;
  protocol: "http" | "https";
  targets: TargetSpec[];
  /** ms to get a connected (for https: handshaken) socket, waiting for a free slot included */
  connectTimeout: number;
  /** ms without a byte from the upstream while we wait for one (response head or body) */
  readTimeout: number;
  /** ms the request body may stay blocked because the upstream is not reading it */
  writeTimeout: number;
  /** extra attempts on connect failures only (refused / connect timeout / unreachable) */
  retries: number;
  /** verify the upstream's TLS certificate (https only), default true */
  tlsVerify?: boolean;
  /** an upstream entity's algorithm and health checks; none = round-robin, always healthy */
  balancing?: BalancingSpec;
  /** CA certificates, client certificate, verify depth (https only) */
  tls?: UpstreamTls;
}

export interface UpstreamPoolOptions {
  /** max sockets per target (in use + connecting); further requests queue. Default 256. */
  maxSockets?: number;
  /** TCP keep-alive probe delay on idle sockets. Default 1000. */
  keepAliveMsecs?: number;
  /** idle keep-alive sockets are closed after this many ms. Default 4000 (below the common 5 s upstream timeout). */
  idleTimeout?: number;
  /** the previous generation: its agents (and Upstreams for unchanged specs) are reused */
  previous?: UpstreamPool;
  /** addresses never connected to (checked on every new connection, after DNS resolution) */
  guard?: UpstreamGuard;
  /** this data plane's target health (kept across generations); default: one of its own */
  health?: HealthRegistry;
}

type AgentKind = http.Agent & { retired: boolean; readonly idleTimeout: number };
type CreateConnection = (options: TcpNetConnectOpts, cb: unknown) => Duplex | undefined;

// keepSocketAlive() returning false makes Node destroy the socket instead of pooling it: a
// retired agent lets in-flight requests finish and then closes their sockets.
//
// The idle timeout is not a standing `timeout` agent option: with one, a socket in use keeps its
// timer, so every read and write refreshes it, and every request adds and removes a socket
// 'timeout' listener. Here only pooled (free) sockets carry the timer. It is set by Node's own
// keepSocketAlive (which also applies a shorter upstream Keep-Alive hint), with the option
// present only for that call, and cleared when a request takes the socket from the pool. Node's
// agent destroys a free socket whose timer fires.
type TimeoutOption = { timeout?: number | undefined };

function keepIdle(agent: AgentKind, socket: Duplex, keep: (socket: Duplex) => unknown): boolean {
  if (agent.retired) return false;
  const options = (agent as unknown as { options: TimeoutOption }).options;
  options.timeout = agent.idleTimeout;
  try {
    return keep.call(agent, socket) !== false;
  } finally {
    options.timeout = undefined;
  }
}
function takeFromPool(socket: Duplex): void {
  const s = socket as Duplex & { timeout?: number; setTimeout(ms: number): unknown };
  if (s.timeout !== undefined && s.timeout !== 0) s.setTimeout(0);
}

class HttpAgent extends http.Agent {
  retired = false;
  constructor(
    options: http.AgentOptions,
    readonly idleTimeout: number,
    private readonly guard: UpstreamGuard | undefined,
  ) {
    super(options);
  }
  override createConnection(options: TcpNetConnectOpts, cb: unknown): Duplex | undefined {
    const create = super.createConnection as unknown as CreateConnection;
    return guardConnection(this.guard, options) ?? create.call(this, options, cb);
  }
  override keepSocketAlive(socket: Duplex): boolean {
    return keepIdle(this, socket, super.keepSocketAlive);
  }
  override reuseSocket(socket: Duplex, req: http.ClientRequest): void {
    super.reuseSocket(socket, req);
    takeFromPool(socket);
  }
}
class HttpsAgent extends https.Agent {
  retired = false;
  constructor(
    options: https.AgentOptions,
    readonly idleTimeout: number,
    private readonly guard: UpstreamGuard | undefined,
  ) {
    super(options);
  }
  override createConnection(options: TcpNetConnectOpts, cb: unknown): Duplex | undefined {
    const create = super.createConnection as unknown as CreateConnection;
    return guardConnection(this.guard, options) ?? create.call(this, options, cb);
  }
  override keepSocketAlive(socket: Duplex): boolean {
    return keepIdle(this, socket, super.keepSocketAlive);
  }
  override reuseSocket(socket: Duplex, req: http.ClientRequest): void {
    super.reuseSocket(socket, req);
    takeFromPool(socket);
  }
}

/** One upstream host:port with its keep-alive agent. */
export interface Target {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly weight: number;
  readonly agent: http.Agent;
  /** health, requests in flight, response times, resolved addresses */
  readonly state: TargetState;
}

export class Upstream {
  readonly key: string;
  readonly spec: UpstreamSpec;
  /** @internal */
  readonly targets: readonly Target[];
  /** passive health checks (upstream entities only) */
  readonly passive: PassiveHealth | undefined;
  private readonly picker: Picker<Target>;
  private readonly configured: number;

  /** @internal use UpstreamPool#upstream */
  constructor(spec: UpstreamSpec, targets: readonly Target[], health: HealthRegistry) {
    this.key = spec.key;
    this.spec = spec;
    this.targets = targets;
    const b = spec.balancing;
    this.picker = createPicker(b?.algorithm ?? "round-robin", targets, b?.slots ?? 10000);
    this.passive = b ? new PassiveHealth(health, b.policy) : undefined;
    this.configured = targets.filter((t) => t.weight > 0).length;
  }

  /**
   * The next target by the upstream's algorithm (`key`: the request's hash input), skipping
   * unhealthy targets, weight 0 and `exclude`; undefined when none is left.
   */
  pick(exclude?: ReadonlySet<Target>, key?: string): Target | undefined {
    return this.picker.pick(exclude, key);
  }

  /** targets with a weight above 0, healthy or not */
  get available(): number {
    return this.configured;
  }

  /** Destroy idle keep-alive sockets of a target (one turned out dead, the others likely are too). */
  dropIdle(target: Target): void {
    for (const list of Object.values(target.agent.freeSockets)) {
      for (const socket of list ?? []) socket.destroy();
    }
  }
}

interface AgentEntry {
  agent: AgentKind;
  users: Set<UpstreamPool>;
}

/** Agents shared by the generations of a pool lineage. */
class AgentRegistry {
  readonly agents = new Map<string, AgentEntry>();

  acquire(key: string, user: UpstreamPool, create: () => AgentKind): AgentKind {
    let entry = this.agents.get(key);
    if (!entry) {
      entry = { agent: create(), users: new Set() };
      this.agents.set(key, entry);
    }
    entry.users.add(user);
    return entry.agent;
  }

  release(user: UpstreamPool, hard: boolean): void {
    for (const [key, entry] of this.agents) {
      if (!entry.users.delete(user) || entry.users.size > 0) continue;
      this.agents.delete(key);
      entry.agent.retired = true;
      if (hard) entry.agent.destroy();
      else {
        for (const list of Object.values(entry.agent.freeSockets)) {
          for (const socket of list ?? []) socket.destroy();
        }
      }
    }
  }
}

function fingerprint(spec: UpstreamSpec): string {
  return JSON.stringify([
    spec.key,
    spec.protocol,
    spec.targets.map((t) => [t.host, t.port, t.weight, t.target]),
    balancingFingerprint(spec.balancing),
    spec.connectTimeout,
    spec.readTimeout,
    spec.writeTimeout,
    spec.retries,
    spec.tlsVerify !== false,
    upstreamTlsKey(spec.tls),
  ]);
}

function checkSpec(spec: UpstreamSpec): void {
  const where = `upstream "${spec.key}"`;
  if (spec.protocol !== "http" && spec.protocol !== "https") {
    throw new UpstreamPoolError(
      "GH_UPSTREAM_SPEC_INVALID",
      `${where}: protocol must be "http" or "https", got "${String(spec.protocol)}"`,
    );
  }
  for (const name of ["connectTimeout", "readTimeout", "writeTimeout"] as const) {
    const v = spec[name];
    if (!Number.isInteger(v) || v <= 0)
      throw new UpstreamPoolError(
        "GH_UPSTREAM_SPEC_INVALID",
        `${where}: ${name} must be a positive integer (ms)`,
      );
  }
  if (!Number.isInteger(spec.retries) || spec.retries < 0) {
    throw new UpstreamPoolError(
      "GH_UPSTREAM_SPEC_INVALID",
      `${where}: retries must be a non-negative integer`,
    );
  }
  spec.targets.forEach((t, i) => {
    if (!t.host)
      throw new UpstreamPoolError(
        "GH_UPSTREAM_SPEC_INVALID",
        `${where}: targets[${i}].host must not be empty`,
      );
    if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) {
      throw new UpstreamPoolError(
        "GH_UPSTREAM_SPEC_INVALID",
        `${where}: targets[${i}].port must be 1..65535`,
      );
    }
    if (!Number.isFinite(t.weight) || t.weight < 0) {
      throw new UpstreamPoolError(
        "GH_UPSTREAM_SPEC_INVALID",
        `${where}: targets[${i}].weight must be >= 0`,
      );
    }
  });
}

/**
 * Keep-alive agents per upstream target, one pool per config snapshot generation:
 * `new UpstreamPool({ ...opts, previous })` shares agents with `previous`, and
 * `previous.close()` then retires only the agents the new generation does not use.
 */
export class UpstreamPool {
  private readonly registry: AgentRegistry;
  private readonly upstreams = new Map<string, Upstream>();
  private previous: UpstreamPool | undefined;
  private readonly maxSockets: number;
  private readonly keepAliveMsecs: number;
  private readonly idleTimeout: number;
  private readonly guard: UpstreamGuard | undefined;
  private readonly health: HealthRegistry;
  private closed = false;

  constructor(opts: UpstreamPoolOptions = {}) {
    this.maxSockets = opts.maxSockets ?? 256;
    this.keepAliveMsecs = opts.keepAliveMsecs ?? 1000;
    this.idleTimeout = opts.idleTimeout ?? 4000;
    this.guard = opts.guard;
    this.health = opts.health ?? opts.previous?.health ?? new HealthRegistry();
    if (!Number.isInteger(this.maxSockets) || this.maxSockets < 1) {
      throw new UpstreamPoolError(
        "GH_UPSTREAM_SPEC_INVALID",
        "UpstreamPool: maxSockets must be a positive integer",
      );
    }
    if (!Number.isInteger(this.idleTimeout) || this.idleTimeout < 1) {
      throw new UpstreamPoolError(
        "GH_UPSTREAM_SPEC_INVALID",
        "UpstreamPool: idleTimeout must be a positive integer (ms)",
      );
    }
    this.previous = opts.previous && !opts.previous.closed ? opts.previous : undefined;
    this.registry = this.previous?.registry ?? new AgentRegistry();
  }

  /** The Upstream for `spec`; the same object for the same spec (so the round-robin state is kept). */
  upstream(spec: UpstreamSpec): Upstream {
    if (this.closed)
      throw new UpstreamPoolError(
        "GH_UPSTREAM_POOL_CLOSED",
        "UpstreamPool: upstream() called after close()",
      );
    // a changed deny list means new agents (the guard is theirs), hence new Upstreams
    const fp = `${fingerprint(spec)}|${this.guard?.key ?? ""}`;
    const cached = this.upstreams.get(fp) ?? this.previous?.upstreams.get(fp);
    if (cached && cached.targets.every((t) => this.ownsAgent(t.agent))) {
      this.upstreams.set(fp, cached);
      return cached;
    }
    checkSpec(spec);
    const frozen: UpstreamSpec = { ...spec, targets: spec.targets.map((t) => ({ ...t })) };
    const targets = frozen.targets.map((t) => {
      const id = `${t.host.includes(":") ? `[${t.host}]` : t.host}:${t.port}`;
      return {
        id,
        host: t.host,
        port: t.port,
        weight: t.weight,
        agent: this.agentFor(frozen, t),
        state: frozen.balancing
          ? this.health.state(frozen.balancing.name, t.target ?? id)
          : new TargetState(spec.key, id),
      };
    });
    const upstream = new Upstream(frozen, targets, this.health);
    this.upstreams.set(fp, upstream);
    return upstream;
  }

  /** Release this generation: agents no other live generation uses close idle sockets now, busy ones after their response. */
  close(): void {
    this.shutdown(false);
  }

  /** Like close(), but also destroys sockets in use. */
  destroy(): void {
    this.shutdown(true);
  }

  private shutdown(hard: boolean): void {
    if (this.closed && !hard) return;
    this.closed = true;
    this.registry.release(this, hard);
    // A closed generation is never asked for upstreams again: drop what only building the next
    // one needed, so the generations don't form a chain that keeps every past one alive (heap
    // snapshots under config churn: one UpstreamPool, its guard and deny list more per version).
    this.previous = undefined;
    this.upstreams.clear();
  }

  /** Registers the agent for this generation; true when the agent is still live in the registry. */
  private ownsAgent(agent: http.Agent): boolean {
    for (const entry of this.registry.agents.values()) {
      if (entry.agent === agent) {
        entry.users.add(this);
        return true;
      }
    }
    return false;
  }

  private agentFor(spec: UpstreamSpec, target: TargetSpec): http.Agent {
    const verify = spec.tlsVerify !== false;
    const key = [
      spec.protocol,
      target.host,
      target.port,
      verify,
      upstreamTlsKey(spec.tls),
      this.maxSockets,
      this.keepAliveMsecs,
      this.idleTimeout,
      this.guard?.key ?? "",
    ].join("|");
    return this.registry.acquire(key, this, () => {
      const common = {
        keepAlive: true,
        keepAliveMsecs: this.keepAliveMsecs,
        maxSockets: this.maxSockets,
        maxFreeSockets: this.maxSockets,
        scheduling: "lifo" as const,
      };
      if (spec.protocol === "https") {
        return new HttpsAgent(
          {
            ...common,
            rejectUnauthorized: verify,
            ...(isIP(target.host) === 0 ? { servername: target.host } : {}),
            ...upstreamTlsOptions(spec.tls),
          },
          this.idleTimeout,
          this.guard,
        );
      }
      return new HttpAgent(common, this.idleTimeout, this.guard);
    });
  }
}
