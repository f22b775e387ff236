import { formatErrors, hashConfig, validateDeclarative } from "@gatehouse/config";
import type { ConfigError, NormalizedConfig, PluginCatalog } from "@gatehouse/config";
import type { CachedSnapshot } from "./cache.js";

/** Where a snapshot came from. */
export type SnapshotSource = "file" | "cache" | "push" | "pull";

export interface SnapshotMeta {
  version: number;
  hash: string;
  source: SnapshotSource;
  appliedAt: Date;
  doc: unknown;
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
  /** persist the applied snapshot (cache); errors are reported, never undo the swap */
  persist?(snapshot: CachedSnapshot): Promise<void>;
  onApplied?(snapshot: S): void;
  onRejected?(source: SnapshotSource, errors: ConfigError[]): void;
  onPersistError?(err: Error): void;
}

export class ConfigCompileError extends Error {
  constructor(readonly errors: ConfigError[]) {
    super(formatErrors(errors));
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
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ConfigStateOptions<S>) {}

  /** Validate + compile without touching the running snapshot. */
  prepare(doc: unknown, version: number, source: SnapshotSource): ApplyResult<S> {
    const validated = validateDeclarative(doc, { plugins: this.opts.catalog });
    if (!validated.ok) return { ok: false, status: 400, errors: validated.errors };
    const meta: SnapshotMeta = {
      version,
      hash: hashConfig(doc),
      source,
      appliedAt: new Date(),
      doc,
    };
    try {
      return { ok: true, snapshot: this.opts.compile(validated.config, meta, this.current) };
    } catch (err) {
      if (err instanceof ConfigCompileError) return { ok: false, status: 400, errors: err.errors };
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
      const prepared = this.prepare(doc, version, source);
      if (!prepared.ok) {
        this.reject(source, prepared.errors);
        return prepared;
      }
      const next = prepared.snapshot;
      this.current = next; // the single swap
      this.lastError = null;
      running?.retire();
      this.opts.onApplied?.(next);
      if (this.opts.persist && source !== "cache") {
        try {
          await this.opts.persist({
            version: next.meta.version,
            hash: next.meta.hash,
            savedAt: next.meta.appliedAt.toISOString(),
            doc,
          });
          this.lastPersistError = null;
        } catch (err) {
          this.lastPersistError = (err as Error).message;
          this.opts.onPersistError?.(err as Error);
        }
      }
      return { ok: true, snapshot: next };
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private reject(source: SnapshotSource, errors: ConfigError[]): void {
    this.lastError = { at: new Date(), source, errors };
    this.opts.onRejected?.(source, errors);
  }
}
