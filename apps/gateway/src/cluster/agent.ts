/**
 * The data plane's client of the control plane, all of it: register, heartbeat and config pull
 * (the one quick pull at start and the agent's pulls share pullConfig), every message typed and
 * every answer parsed with @gatehouse/config's protocol schemas.
 */
import { createRequire } from "node:module";
import {
  clusterAnswerSchema,
  formatErrors,
  fromZodIssues,
  pulledConfigSchema,
} from "@gatehouse/config";
import type {
  ClusterAnswer,
  HeartbeatMessage,
  PluginInfo,
  PulledConfig,
  RegisterMessage,
  UpstreamHealthReport,
} from "@gatehouse/config";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import type { Logger } from "pino";
import type { z } from "zod";
import type { GatewaySnapshot } from "../config/snapshot.js";
import type { ConfigState } from "../config/state.js";
import { ERROR_CODES, GatewayError } from "../errors.js";
import { mutualTlsCall } from "@gatehouse/config/cluster-tls";

/** The software version reported to the control plane (this package's version). */
export const SOFTWARE_VERSION: string = (
  createRequire(import.meta.url)("../../package.json") as { version: string }
).version;

/** Where the control plane is and how this data plane authenticates to it. */
export interface ControlPlaneConnection {
  /** GATEHOUSE_CONTROL_PLANE_URL */
  baseUrl: string;
  /** GATEHOUSE_CLUSTER_TOKEN */
  token: string | undefined;
  /** GATEHOUSE_CLUSTER_CERT/KEY/CA: present the certificate, verify the control plane's with the CA */
  tls?: ClusterTls | undefined;
}

export interface AgentOptions extends ControlPlaneConnection {
  nodeId: string;
  hostname: string;
  /** how the control plane reaches this data plane's control endpoint */
  controlUrl: string;
  /** how clients (the admin's request simulator) reach this data plane's proxy listener */
  proxyUrl?: string;
  plugins: PluginInfo[];
  state: ConfigState<GatewaySnapshot>;
  log: Logger;
  /** heartbeat period until the control plane says otherwise (ms) */
  heartbeatMs?: number;
  /** first retry delay when the control plane cannot be reached, doubled up to the heartbeat period */
  retryInitialMs?: number;
  timeoutMs?: number;
  /**
   * how long a version the control plane reports as newer is left to arrive by push before this
   * data plane pulls it (ms, default 2000; 0 = pull at once). Pushes normally land well within
   * it, and a pull racing a push doubles the control plane's work for the same version.
   */
  pushGraceMs?: number;
  /** extra status reported with registration and heartbeats */
  status?: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** target health of every upstream (issue 12), reported with registration and heartbeats */
  upstreamHealth?: () => UpstreamHealthReport;
}

/** A control plane answer parsed with its protocol schema; a wrong shape is a failed call. */
function parseAnswer<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(body, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new ControlPlaneAnswerError(
    `the control plane's ${what} is malformed: ${formatErrors(fromZodIssues(parsed.error.issues))}`,
  );
}

/** The control plane answered 2xx with a body its protocol schema refuses. */
class ControlPlaneAnswerError extends GatewayError {
  readonly code = ERROR_CODES.controlPlaneMalformed;
  constructor(message: string) {
    super(message);
    this.name = "ControlPlaneAnswerError";
  }
}

/** The control plane answered a non-2xx status. */
class ControlPlaneHttpError extends GatewayError {
  readonly code = ERROR_CODES.controlPlaneHttp;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ControlPlaneHttpError";
  }
}

/** One JSON call to the control plane; a non-2xx answer throws a ControlPlaneHttpError. */
async function callControlPlane(
  conn: ControlPlaneConnection,
  signal: AbortSignal,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const url = new URL(path, conn.baseUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  // fetch cannot present a client certificate (Node's undici takes no TLS options)
  const res = conn.tls
    ? await mutualTlsCall(url, { method, headers, body: payload, signal, tls: conn.tls })
    : await fetch(url, { method, headers, body: payload, signal });
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not JSON
    }
    throw new ControlPlaneHttpError(
      res.status,
      `${method} ${path} answered ${res.status}: ${message}`,
    );
  }
  return text ? JSON.parse(text) : undefined;
}

/**
 * `GET /api/v1/dataplane/config` → `{ version, config }`, parsed with the protocol's schema (the
 * only place a pulled config is parsed: the agent's pulls and the one quick pull at start).
 * Throws on a failed call or a malformed answer.
 */
export async function pullConfig(
  conn: ControlPlaneConnection,
  signal: AbortSignal,
): Promise<PulledConfig> {
  return parseAnswer(
    pulledConfigSchema,
    await callControlPlane(conn, signal, "GET", "/api/v1/dataplane/config"),
    "config",
  );
}

/**
 * The data plane's side of distribution: registers with the control plane (id, hostname, control
 * URL, software version, plugin set, what it runs), heartbeats, and pulls the newest version when
 * the control plane has one newer than what runs here (at start, and after an outage: only the
 * newest, never the ones in between). While the control plane is unreachable the running config
 * (from the cache) keeps serving and the agent retries with exponential backoff.
 */
export class ControlPlaneAgent {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private registered = false;
  private failures = 0;
  private heartbeatMs: number;
  /** a version this data plane refused: not pulled again */
  private refusedVersion: number | null = null;
  /** the newer version the control plane reported, and when first (Date.now()) */
  private behind: { version: number; since: number } | null = null;
  private readonly abort = new AbortController();
  /** true once registered and the last call to the control plane succeeded */
  connected = false;

  constructor(private readonly opts: AgentOptions) {
    this.heartbeatMs = opts.heartbeatMs ?? 10_000;
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, delay);
    this.timer.unref();
  }

  /** each call ends at stop() or after the timeout */
  private signal(): AbortSignal {
    return AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 10_000)]);
  }

  private call(method: string, path: string, body?: unknown): Promise<unknown> {
    return callControlPlane(this.opts, this.signal(), method, path, body);
  }

  private async report(): Promise<HeartbeatMessage> {
    const s = this.opts.state.current;
    const lastError = this.opts.state.lastError;
    return {
      id: this.opts.nodeId,
      applied_version: s?.meta.version ?? null,
      applied_hash: s?.meta.hash ?? null,
      upstream_health: this.opts.upstreamHealth?.() ?? null,
      status: {
        ready: s !== null,
        source: s?.meta.source ?? null,
        applied_at: s?.meta.appliedAt.toISOString() ?? null,
        last_error: lastError
          ? { at: lastError.at.toISOString(), source: lastError.source, errors: lastError.errors }
          : null,
        ...(await this.opts.status?.()),
      },
    };
  }

  private async register(): Promise<ClusterAnswer> {
    const message: RegisterMessage = {
      ...(await this.report()),
      hostname: this.opts.hostname,
      control_url: this.opts.controlUrl,
      proxy_url: this.opts.proxyUrl ?? null,
      software_version: SOFTWARE_VERSION,
      plugins: this.opts.plugins.map(({ name, version }) => ({ name, version })),
    };
    const answer = parseAnswer(
      clusterAnswerSchema,
      await this.call("POST", "/api/v1/dataplane/register", message),
      "answer to register",
    );
    this.registered = true;
    this.opts.log.info(
      { controlPlane: this.opts.baseUrl, nodeId: this.opts.nodeId },
      "registered with the control plane",
    );
    return answer;
  }

  private async tick(): Promise<void> {
    let answer: ClusterAnswer;
    try {
      if (!this.registered) answer = await this.register();
      else {
        try {
          answer = parseAnswer(
            clusterAnswerSchema,
            await this.call("POST", "/api/v1/dataplane/heartbeat", await this.report()),
            "answer to heartbeat",
          );
        } catch (err) {
          // the control plane forgot us (new database, deleted row): register again
          if (!(err instanceof ControlPlaneHttpError && err.status === 404)) throw err;
          this.registered = false;
          answer = await this.register();
        }
      }
      this.heartbeatMs = answer.heartbeat_interval_ms;
      const latest = answer.latest_version;
      const running = this.opts.state.current?.meta.version ?? null;
      let next = this.heartbeatMs;
      if (
        latest !== null &&
        (running === null || latest > running) &&
        latest !== this.refusedVersion
      ) {
        // give the control plane's push a head start; pull what has not arrived by then
        const grace = this.opts.pushGraceMs ?? 2000;
        const now = Date.now();
        if (this.behind === null || this.behind.version !== latest) {
          this.behind = { version: latest, since: now };
        }
        const waited = now - this.behind.since;
        if (running === null || waited >= grace) {
          this.behind = null;
          await this.pull();
        } else {
          next = Math.min(next, grace - waited);
        }
      } else {
        this.behind = null;
      }
      if (this.failures > 0) this.opts.log.info("the control plane is reachable again");
      this.failures = 0;
      this.connected = true;
      this.schedule(next);
    } catch (err) {
      if (this.stopped) return;
      this.connected = false;
      if (err instanceof ControlPlaneHttpError && (err.status === 401 || err.status === 403)) {
        this.registered = false;
      }
      this.failures += 1;
      const base = Math.min(
        (this.opts.retryInitialMs ?? 500) * 2 ** (this.failures - 1),
        this.heartbeatMs,
      );
      const delay = Math.round(base * (0.8 + Math.random() * 0.4));
      if (this.failures === 1 || this.failures % 10 === 0) {
        this.opts.log.warn(
          { reason: (err as Error).message, attempt: this.failures, retryInMs: delay },
          "the control plane is unreachable; serving the running config",
        );
      }
      this.schedule(delay);
    }
  }

  /** Fetches the newest version and applies it if it is newer than what runs (409 otherwise). */
  private async pull(): Promise<void> {
    const body = await pullConfig(this.opts, this.signal());
    const running = this.opts.state.current?.meta.version ?? null;
    if (running !== null && body.version <= running) return; // a push was faster
    const result = await this.opts.state.apply(body.config, body.version, "pull");
    if (result.ok) {
      this.opts.log.info(
        { version: result.snapshot.meta.version, hash: result.snapshot.meta.hash },
        "config pulled from the control plane",
      );
    } else if (result.status === 400) {
      this.refusedVersion = body.version;
      this.opts.log.error(
        { version: body.version, errors: result.errors },
        "the control plane's config was refused",
      );
    }
  }
}
