// The control plane's push loop. Runs inside the Next.js server process (started once from
// instrumentation.ts), and in tests directly. No "server-only" / "@/" imports: instrumentation and
// tests load this module outside the app's route bundles.
import { AsyncLocalStorage } from "node:async_hooks";
import {
  canonicalJson,
  configAppliedSchema,
  configRefusedSchema,
  dataPlaneStatusSchema,
} from "@gatehouse/config";
import type { ConfigError } from "@gatehouse/config";
import { mutualTlsCall } from "@gatehouse/config/cluster-tls";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import { Prisma } from "@gatehouse/db/client";
import { openSealedText } from "@gatehouse/db/sealed";
import type { PrismaClient } from "@gatehouse/db/client";
import { missingPlugins, pluginsUsed } from "./plugins-used";

export interface DistributorLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface DistributorOptions {
  prisma: PrismaClient;
  /** GATEHOUSE_CLUSTER_TOKEN: sent to every data plane's control endpoint */
  clusterToken: string;
  /** GATEHOUSE_CLUSTER_CERT/KEY/CA: every call to a data plane over mutual TLS */
  clusterTls?: ClusterTls | undefined;
  /** the key the snapshots' secrets are sealed with (jwtSecretKey); unset: nothing is sealed */
  secretKey?: string | undefined;
  /** how often the newest version and the data-plane list are read from the database (ms) */
  pollIntervalMs?: number;
  /** timeout of one push (PUT /v1/config) or status read (ms) */
  requestTimeoutMs?: number;
  /** first retry delay after a failed push, doubled per failure (ms) */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * the shortest time between two commit-triggered push rounds (ms): a commit after a quiet
   * period is pushed at once, the rest of a burst waits for the window's end and is pushed as
   * its newest version (default 250)
   */
  coalesceMs?: number;
  log?: DistributorLog;
}

/** A version's snapshot as the process that committed it has it (see Distributor.notify). */
export interface CommittedSnapshot {
  hash: string;
  snapshot: unknown;
  /** canonicalJson(snapshot): hashCanonical of it is `hash` */
  canonical: string;
}

export interface PushEvent {
  planeId: string;
  version: number;
  outcome: "applied" | "conflict" | "rejected" | "incompatible" | "unreachable";
}

interface PlaneState {
  id: string;
  controlUrl: string | null;
  plugins: { name: string; version?: string }[];
  /** what the data plane runs, as far as we know */
  appliedVersion: number | null;
  inFlight: Promise<void> | null;
  retryTimer: NodeJS.Timeout | null;
  failures: number;
  /** a version this data plane refused (400) or cannot run (plugins): not pushed again */
  settledVersion: number | null;
  /** registration fingerprint: a re-registration (new address or plugin set) clears settledVersion */
  fingerprint: string;
}

interface LoadedVersion {
  version: number;
  hash: string;
  used: Set<string>;
  /** the PUT /v1/config body (a ConfigPush), serialized once for every data plane */
  body: string;
}

const consoleLog: DistributorLog = {
  info: (m) => console.log(`[distribution] ${m}`),
  warn: (m) => console.warn(`[distribution] ${m}`),
  error: (m) => console.error(`[distribution] ${m}`),
};

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (error.name === "TimeoutError") return "timed out";
  if (cause instanceof Error) return `${error.message}: ${cause.message}`;
  return error.message;
}

/**
 * Pushes the newest config version to every registered data plane through its control endpoint:
 * in parallel, at most one push in flight per data plane (versions committed meanwhile are
 * coalesced into the newest), retries with exponential backoff, a timeout per request. Records
 * per data plane what it runs and why it does not run the newest version in the DataPlane table.
 * Versions come from the database and the data plane answers 409 to anything not newer than what
 * it runs, so any number of distributors (control-plane replicas) can never move one backwards.
 */
export class Distributor {
  private readonly prisma: PrismaClient;
  private readonly token: string;
  private readonly tls: ClusterTls | undefined;
  private readonly secretKey: string | undefined;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly coalesceMs: number;
  private coalesceTimer: NodeJS.Timeout | null = null;
  /** when notify() last started pushes (Date.now()) */
  private lastNotifyPushAt = 0;
  private readonly log: DistributorLog;
  private readonly planes = new Map<string, PlaneState>();
  private latest: number | null = null;
  private loaded: LoadedVersion | null = null;
  private loading: { version: number; promise: Promise<LoadedVersion | null> } | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private stopped = false;
  private dbDown = false;
  private readonly abort = new AbortController();
  private readonly listeners = new Set<(event: PushEvent) => void>();
  /**
   * Runs a function in the async context the distributor was created in (server start), not the
   * caller's. notify() and kick() are called from API requests; the timers, fetches and streams
   * they start would otherwise carry that request's context (Next's request store: the request,
   * the response, its compression stream) for as long as they live, which kept every request that
   * committed a change in memory (heap snapshots: one retained ServerResponse + Gzip per commit).
   */
  private readonly detached = AsyncLocalStorage.snapshot();

  constructor(opts: DistributorOptions) {
    this.prisma = opts.prisma;
    this.token = opts.clusterToken;
    this.tls = opts.clusterTls;
    this.secretKey = opts.secretKey;
    this.pollMs = opts.pollIntervalMs ?? 2000;
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
    this.retryInitialMs = opts.retryInitialMs ?? 500;
    this.retryMaxMs = opts.retryMaxMs ?? 30_000;
    this.coalesceMs = opts.coalesceMs ?? 250;
    this.log = opts.log ?? consoleLog;
  }

  /** Starts the periodic poll (the first one right away). */
  start(): void {
    this.schedulePoll(0);
  }

  /** Every push outcome (tests and metrics). */
  onPush(listener: (event: PushEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A version was committed (the api's onVersionCommitted hook, with its snapshot when this
   * process committed it): push it everywhere. The first
   * commit after a quiet period is pushed at once; later ones within `coalesceMs` of the last
   * push start wait for the end of that window, so a burst becomes few pushes of its newest
   * version (and at most one push per data plane is in flight anyway).
   */
  notify(version: number, committed?: CommittedSnapshot): void {
    if (committed) this.prime(version, committed);
    this.detached(() => this.notifyDetached(version));
  }

  /**
   * The version this process just committed, as it committed it: pushed without reading it back
   * from the database (a 100,000-route snapshot costs seconds to read, parse and re-serialize).
   * Its canonical JSON is the text the hash was computed over, the same text loadVersion makes.
   */
  private prime(version: number, committed: CommittedSnapshot): void {
    if (this.loaded !== null && this.loaded.version >= version) return;
    this.loaded = {
      version,
      hash: committed.hash,
      used: pluginsUsed(committed.snapshot),
      body: `{"version":${version},"config":${committed.canonical}}`,
    };
  }

  private notifyDetached(version: number): void {
    if (this.stopped) return;
    if (this.latest === null || version > this.latest) this.latest = version;
    if (this.coalesceTimer) return; // the pending window pushes the newest
    const wait = this.lastNotifyPushAt + this.coalesceMs - Date.now();
    if (wait <= 0) {
      this.pushLatestNow();
      return;
    }
    this.coalesceTimer = setTimeout(() => {
      this.coalesceTimer = null;
      this.pushLatestNow();
    }, wait);
    this.coalesceTimer.unref();
  }

  private pushLatestNow(): void {
    this.lastNotifyPushAt = Date.now();
    // a new version is worth trying even where the last one failed: cancel pending backoffs
    for (const plane of this.planes.values()) {
      if (plane.retryTimer) {
        clearTimeout(plane.retryTimer);
        plane.retryTimer = null;
      }
      this.consider(plane);
    }
  }

  /** Reads the newest version and the data planes now (and starts the pushes they need). */
  async sync(): Promise<void> {
    await this.polling;
    await this.poll();
  }

  /** A data plane registered (or changed): read it and the newest version now, then push. */
  kick(): void {
    if (this.stopped) return;
    this.detached(() => this.schedulePoll(0));
  }

  /** Stops polling and retries, aborts pushes in flight and waits for them to end. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.coalesceTimer) clearTimeout(this.coalesceTimer);
    this.abort.abort();
    const pending: Promise<unknown>[] = [];
    for (const plane of this.planes.values()) {
      if (plane.retryTimer) clearTimeout(plane.retryTimer);
      if (plane.inFlight) pending.push(plane.inFlight);
    }
    if (this.polling) pending.push(this.polling);
    await Promise.allSettled(pending);
  }

  private schedulePoll(delay: number): void {
    if (this.stopped) return;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      if (this.polling) {
        // one poll at a time; come back right after this one
        void this.polling.then(() => this.schedulePoll(0));
        return;
      }
      this.polling = this.poll().finally(() => {
        this.polling = null;
        this.schedulePoll(this.pollMs);
      });
    }, delay);
    this.pollTimer.unref();
  }

  /** Reads the newest version and the registered data planes, then pushes where needed. */
  private async poll(): Promise<void> {
    try {
      const [max, rows] = await Promise.all([
        this.prisma.configVersion.aggregate({ _max: { version: true } }),
        this.prisma.dataPlane.findMany({
          select: { id: true, controlAddress: true, plugins: true, appliedVersion: true },
        }),
      ]);
      if (this.dbDown) this.log.info("the database is reachable again");
      this.dbDown = false;
      const newest = max._max.version;
      if (newest !== null && (this.latest === null || newest > this.latest)) this.latest = newest;
      const seen = new Set<string>();
      for (const row of rows) {
        seen.add(row.id);
        const plugins = Array.isArray(row.plugins)
          ? (row.plugins as { name: string; version?: string }[])
          : [];
        const fingerprint = JSON.stringify([row.controlAddress, plugins]);
        let plane = this.planes.get(row.id);
        if (!plane) {
          plane = {
            id: row.id,
            controlUrl: row.controlAddress,
            plugins,
            appliedVersion: row.appliedVersion,
            inFlight: null,
            retryTimer: null,
            failures: 0,
            settledVersion: null,
            fingerprint,
          };
          this.planes.set(row.id, plane);
        } else {
          if (plane.fingerprint !== fingerprint) {
            plane.fingerprint = fingerprint;
            plane.controlUrl = row.controlAddress;
            plane.plugins = plugins;
            plane.settledVersion = null;
            plane.failures = 0;
            if (plane.retryTimer) {
              clearTimeout(plane.retryTimer);
              plane.retryTimer = null;
            }
          }
          // the data plane's own report (registration, heartbeat) is the truth, unless a push
          // of ours is about to change it
          if (!plane.inFlight) plane.appliedVersion = row.appliedVersion;
        }
      }
      for (const id of [...this.planes.keys()]) if (!seen.has(id)) this.planes.delete(id);
    } catch (error) {
      if (!this.dbDown) {
        this.log.error(`cannot read versions and data planes: ${describe(error)}; retrying`);
      }
      this.dbDown = true;
      return;
    }
    for (const plane of this.planes.values()) this.consider(plane);
  }

  /** Starts a push to `plane` when it is behind and nothing is in flight or waiting to retry. */
  private consider(plane: PlaneState): void {
    if (this.stopped || plane.inFlight || plane.retryTimer) return;
    const target = this.latest;
    if (target === null || plane.controlUrl === null) return;
    if (plane.appliedVersion !== null && plane.appliedVersion >= target) return;
    if (plane.settledVersion === target) return;
    plane.inFlight = this.push(plane, target)
      .catch((error: unknown) => {
        this.log.error(`push to ${plane.id} failed unexpectedly: ${describe(error)}`);
        this.retryLater(plane);
      })
      .finally(() => {
        plane.inFlight = null;
        this.consider(plane); // versions committed meanwhile: the newest only
      });
  }

  private retryLater(plane: PlaneState): void {
    if (this.stopped) return;
    plane.failures += 1;
    const base = Math.min(this.retryInitialMs * 2 ** (plane.failures - 1), this.retryMaxMs);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    plane.retryTimer = setTimeout(() => {
      plane.retryTimer = null;
      this.consider(plane);
    }, delay);
    plane.retryTimer.unref();
  }

  private emit(event: PushEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** One load per version, shared by the data planes pushed to at the same time. */
  private load(version: number): Promise<LoadedVersion | null> {
    if (this.loaded?.version === version) return Promise.resolve(this.loaded);
    if (this.loading?.version === version) return this.loading.promise;
    const promise = this.loadVersion(version).finally(() => {
      if (this.loading?.promise === promise) this.loading = null;
    });
    this.loading = { version, promise };
    return promise;
  }

  private async loadVersion(version: number): Promise<LoadedVersion | null> {
    // the snapshot as PostgreSQL's JSON text (no object round trip through the ORM for a
    // 10,000-route document), parsed once and sent as canonical JSON (keys sorted, what the
    // hash is computed over): serialized and encoded once for every data plane, and each data
    // plane's own canonicalization of an already canonical document is a cheap check
    const rows = await this.prisma.$queryRaw<{ version: number; hash: string; snapshot: string }[]>`
      SELECT "version", "hash", "snapshot"::text AS "snapshot" FROM "ConfigVersion"
      WHERE "version" = ${version}`;
    const row = rows[0];
    if (!row) return null;
    const doc: unknown = JSON.parse(row.snapshot);
    // stored with its secrets sealed: opened in the canonical text (one pass, the hash's text)
    const canonical = canonicalJson(doc);
    const config =
      this.secretKey === undefined ? canonical : openSealedText(canonical, this.secretKey);
    const loaded: LoadedVersion = {
      version: row.version,
      hash: row.hash,
      used: pluginsUsed(doc),
      body: `{"version":${row.version},"config":${config}}`,
    };
    if (this.loaded === null || loaded.version >= this.loaded.version) this.loaded = loaded;
    return loaded;
  }

  /** Records on the DataPlane row; a database error is logged (the next push/poll fixes it). */
  private async record(
    id: string,
    data: Prisma.DataPlaneUpdateManyMutationInput,
    appliedAtLeast?: number,
  ): Promise<void> {
    try {
      await this.prisma.dataPlane.updateMany({
        where:
          appliedAtLeast === undefined
            ? { id }
            : // never record an older version over a newer one another replica recorded
              { id, OR: [{ appliedVersion: null }, { appliedVersion: { lte: appliedAtLeast } }] },
        data: { ...data, version: { increment: 1 } },
      });
    } catch (error) {
      this.log.warn(`cannot record the state of data plane ${id}: ${describe(error)}`);
    }
  }

  private request(
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
  ): Promise<Response> {
    const headers = { ...init.headers, authorization: `Bearer ${this.token}` };
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.timeoutMs)]);
    // over mutual TLS: the control plane's certificate presented, the data plane's verified
    if (this.tls) return mutualTlsCall(new URL(url), { ...init, headers, signal, tls: this.tls });
    return fetch(url, { ...init, headers, signal });
  }

  private async push(plane: PlaneState, target: number): Promise<void> {
    let loaded: LoadedVersion | null;
    try {
      loaded = await this.load(target);
    } catch (error) {
      this.log.warn(`cannot read version ${target}: ${describe(error)}; retrying`);
      this.retryLater(plane);
      return;
    }
    if (!loaded) return; // cannot happen with versions from the same database
    const controlUrl = plane.controlUrl as string;

    const missing = missingPlugins(loaded.used, plane.plugins);
    if (missing.length > 0) {
      plane.settledVersion = target;
      await this.record(plane.id, {
        status: "incompatible",
        targetVersion: target,
        missingPlugins: missing,
        errors: missing.map((name) => ({
          path: "plugins",
          message: `plugin ${JSON.stringify(name)} is used by version ${target} but not installed on this data plane`,
        })),
        lastError: `version ${target} uses plugins this data plane lacks: ${missing.join(", ")}`,
      });
      this.emit({ planeId: plane.id, version: target, outcome: "incompatible" });
      return;
    }

    // recorded while the push is under way (not before it: one database round trip less on the
    // way to the data plane); awaited before any outcome is recorded, so it never lands after one
    const pending = this.record(plane.id, {
      status: "pending",
      targetVersion: target,
      lastPushAt: new Date(),
    });
    let response: Response;
    let body: unknown;
    try {
      response = await this.request(new URL("/v1/config", controlUrl).href, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: loaded.body,
      });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      await pending;
      if (this.stopped) return;
      await this.unreachable(plane, target, `cannot push to ${controlUrl}: ${describe(error)}`);
      return;
    }
    await pending;

    if (response.status === 200) {
      const applied = configAppliedSchema.safeParse(body);
      const { version, hash } = applied.success
        ? applied.data
        : { version: target, hash: loaded.hash };
      await this.applied(plane, version, hash);
      this.emit({ planeId: plane.id, version: target, outcome: "applied" });
      return;
    }
    if (response.status === 409) {
      // not an error: it already runs this version or a newer one (another replica was faster)
      await this.conflict(plane, target, controlUrl);
      return;
    }
    if (response.status === 400) {
      const refused = configRefusedSchema.safeParse(body);
      const errors: ConfigError[] = refused.success ? refused.data.errors : [];
      plane.settledVersion = target;
      plane.failures = 0;
      const first = errors[0];
      await this.record(plane.id, {
        status: "rejected",
        targetVersion: target,
        errors: errors as unknown as Prisma.InputJsonValue,
        missingPlugins: [],
        lastError:
          `the data plane refused version ${target}` +
          (first ? `: ${first.path ? `${first.path}: ` : ""}${first.message}` : ""),
        lastSeenAt: new Date(),
      });
      this.emit({ planeId: plane.id, version: target, outcome: "rejected" });
      return;
    }
    const detail =
      response.status === 401 || response.status === 403
        ? "the data plane refused the cluster token (is GATEHOUSE_CLUSTER_TOKEN the same on both?)"
        : `unexpected answer`;
    await this.unreachable(
      plane,
      target,
      `PUT ${controlUrl}/v1/config answered ${response.status}: ${detail}`,
    );
  }

  private async applied(plane: PlaneState, version: number, hash: string): Promise<void> {
    plane.appliedVersion = Math.max(plane.appliedVersion ?? 0, version);
    plane.failures = 0;
    plane.settledVersion = null;
    const upToDate = this.latest === null || version >= this.latest;
    await this.record(
      plane.id,
      {
        status: upToDate ? "in_sync" : "pending",
        appliedVersion: version,
        appliedHash: hash,
        errors: Prisma.DbNull,
        missingPlugins: [],
        lastError: null,
        lastSeenAt: new Date(),
      },
      version,
    );
  }

  private async conflict(plane: PlaneState, target: number, controlUrl: string): Promise<void> {
    try {
      const response = await this.request(new URL("/v1/status", controlUrl).href, {
        method: "GET",
      });
      const parsed = dataPlaneStatusSchema.safeParse(await response.json());
      const status = parsed.success ? parsed.data : null;
      if (response.ok && status !== null && status.version !== null && status.hash !== null) {
        if (this.latest === null || status.version > this.latest) this.kick();
        await this.applied(plane, status.version, status.hash);
        this.emit({ planeId: plane.id, version: target, outcome: "conflict" });
        return;
      }
      await this.unreachable(
        plane,
        target,
        `GET ${controlUrl}/v1/status answered ${response.status}`,
      );
    } catch (error) {
      if (this.stopped) return;
      await this.unreachable(
        plane,
        target,
        `cannot read ${controlUrl}/v1/status: ${describe(error)}`,
      );
    }
  }

  private async unreachable(plane: PlaneState, target: number, reason: string): Promise<void> {
    if (plane.failures === 0) this.log.warn(`data plane ${plane.id}: ${reason}; retrying`);
    await this.record(plane.id, {
      status: "unreachable",
      targetVersion: target,
      lastError: reason,
    });
    this.emit({ planeId: plane.id, version: target, outcome: "unreachable" });
    this.retryLater(plane);
  }
}
