import { canonicalJson, formatErrors, hashCanonical, validateDeclarative } from "@gatehouse/config";
import type { ConfigError, NormalizedConfig, PluginCatalog } from "@gatehouse/config";
import type { CachedSnapshot } from "./cache.js";
import { ERROR_CODES, GatewayError } from "../errors.js";

/** Where a snapshot came from. */
export type SnapshotSource = "file" | "cache" | "push" | "pull";

export interface SnapshotMeta {
  version: number;
  hash: string;
  source: SnapshotSource;
  appliedAt: Date;
}

/** A fully compiled config: everything the request path needs, immutable once swapped in. */
export interface CompiledSnapshot {
  meta: SnapshotMeta;
  config: NormalizedConfig;
  /** release resources (agents) once no request uses this snapshot any more */
  retire(): void;
}

export type ApplyResult<S> =
  { ok: true; snapshot: S } | { ok: false; status: 400 | 409; errors: ConfigError[] };

export interface ConfigStateOptions<S extends CompiledSnapshot> {
  catalog: PluginCatalog;
  /** compile a validated config completely; throw ConfigCompileError for user-facing errors */
  compile(config: NormalizedConfig, meta: SnapshotMeta, previous: S | null): S;
  /**
   * persist the applied snapshot (cache); errors are reported, never undo the swap.
   * `canonicalDoc` is canonicalJson(snapshot.doc), already computed for the hash.
   */
  persist?(snapshot: CachedSnapshot, canonicalDoc: string): Promise<void>;
  onApplied?(snapshot: S): void;
  /**
   * Asked after a snapshot compiled and before it is swapped in (--workers: the primary's gate has
   * every worker compile it and waits until each runs it): errors refuse the apply (400) and the
   * running snapshot stays. `apply`'s own gate, when given, takes its place.
   */
  gate?: ApplyGate<S>;
  onRejected?(source: SnapshotSource, errors: ConfigError[]): void;
  onPersistError?(err: Error): void;
}

/** See ConfigStateOptions.gate: null lets the swap happen, errors refuse the snapshot. */
export type ApplyGate<S> = (
  snapshot: S,
  doc: unknown,
  source: SnapshotSource,
) => Promise<ConfigError[] | null>;

/** Durations (ms) of the stages of one apply. */
export interface ApplyTimings {
  validateMs: number;
  hashMs: number;
  compileMs: number;
  /** validate + hash + compile + swap */
  totalMs: number;
}

const ms = (from: number): number => Math.round((performance.now() - from) * 10) / 10;

/** A config that does not compile; `errors` are the `{path, message}` pairs a 400 answers with. */
export class ConfigCompileError extends GatewayError {
  readonly code = ERROR_CODES.configInvalid;
  constructor(readonly errors: ConfigError[]) {
    super(formatErrors(errors));
    this.name = "ConfigCompileError";
  }
}

/**
 * The running snapshot and the one way to replace it: validate, compile completely,
 * then a single reference swap. Requests capture `current` once at their start, so
 * in-flight requests finish on the snapshot they started with. Applies are serialized.
 */
export class ConfigState<S extends CompiledSnapshot> {
  /** the running snapshot (null = not ready); read once per request */
  current: S | null = null;
  lastError: { at: Date; source: SnapshotSource; errors: ConfigError[] } | null = null;
  lastPersistError: string | null = null;
  /** how long the stages of the last successful apply took (ms) */
  lastApplyTimings: ApplyTimings | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ConfigStateOptions<S>) {}

  /** Validate + compile without touching the running snapshot. */
  prepare(doc: unknown, version: number, source: SnapshotSource): ApplyResult<S> {
    return this.prepareCanonical(doc, version, source).result;
  }

  /** `prepare`, also returning the document's canonical JSON (hashed once, reused by the cache). */
  private prepareCanonical(
    doc: unknown,
    version: number,
    source: SnapshotSource,
  ): { result: ApplyResult<S>; canonical: string; timings: ApplyTimings } {
    const t0 = performance.now();
    const timings: ApplyTimings = { validateMs: 0, hashMs: 0, compileMs: 0, totalMs: 0 };
    const validated = validateDeclarative(doc, { plugins: this.opts.catalog });
    timings.validateMs = ms(t0);
    if (!validated.ok) {
      return {
        result: { ok: false, status: 400, errors: validated.errors },
        canonical: "",
        timings,
      };
    }
    const t1 = performance.now();
    const canonical = canonicalJson(doc);
    const meta: SnapshotMeta = {
      version,
      hash: hashCanonical(canonical),
      source,
      appliedAt: new Date(),
    };
    timings.hashMs = ms(t1);
    const t2 = performance.now();
    try {
      const snapshot = this.opts.compile(validated.config, meta, this.current);
      timings.compileMs = ms(t2);
      return { result: { ok: true, snapshot }, canonical, timings };
    } catch (err) {
      if (err instanceof ConfigCompileError) {
        return { result: { ok: false, status: 400, errors: err.errors }, canonical, timings };
      }
      throw err;
    }
  }

  /**
   * Apply a document as `version`. 409 when `version` is not newer than the running one
   * (unless `force`, used for the start-up file), 400 with every error when invalid.
   */
  apply(
    doc: unknown,
    version: number,
    source: SnapshotSource,
    force = false,
    gate: ApplyGate<S> | undefined = this.opts.gate,
  ): Promise<ApplyResult<S>> {
    const run = async (): Promise<ApplyResult<S>> => {
      const running = this.current;
      if (!force && running !== null && version <= running.meta.version) {
        const errors = [
          {
            path: "version",
            message: `must be newer than the running version ${running.meta.version}, got ${version}`,
          },
        ];
        this.reject(source, errors);
        return { ok: false, status: 409, errors };
      }
      const t0 = performance.now();
      const { result: prepared, canonical, timings } = this.prepareCanonical(doc, version, source);
      if (!prepared.ok) {
        this.reject(source, prepared.errors);
        return prepared;
      }
      const next = prepared.snapshot;
      const refused = gate === undefined ? null : await gate(next, doc, source);
      if (refused !== null) {
        next.retire();
        this.reject(source, refused);
        return { ok: false, status: 400, errors: refused };
      }
      this.current = next; // the single swap
      this.lastError = null;
      timings.totalMs = ms(t0);
      this.lastApplyTimings = timings;
      running?.retire();
      this.opts.onApplied?.(next);
      if (this.opts.persist && source !== "cache") {
        try {
          await this.opts.persist(
            {
              version: next.meta.version,
              hash: next.meta.hash,
              savedAt: next.meta.appliedAt.toISOString(),
              doc,
            },
            canonical,
          );
          this.lastPersistError = null;
        } catch (err) {
          this.lastPersistError = (err as Error).message;
          this.opts.onPersistError?.(err as Error);
        }
      }
      return { ok: true, snapshot: next };
    };
    return this.exclusive(run);
  }

  /** Run `fn` between applies (never during one): applies and exclusive sections are serialized. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private reject(source: SnapshotSource, errors: ConfigError[]): void {
    this.lastError = { at: new Date(), source, errors };
    this.opts.onRejected?.(source, errors);
  }
}
