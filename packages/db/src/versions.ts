// THE way a configuration version is written: under the change lock, the database's export (as
// seen inside the change's transaction) is checked, hashed with @gatehouse/config's hashConfig and
// inserted as a ConfigVersion (version from the table's PostgreSQL sequence). The admin's every
// change (commitChange) and the demo seed go through it.
import { randomUUID } from "node:crypto";
import { canonicalJson, hashCanonical } from "@gatehouse/config";
import type { ConfigError, ExportedDocument } from "@gatehouse/config";
import {
  PLUGIN_ROWS,
  readExportRows,
  ROUTE_ROWS,
  shapeExport,
  withoutTransaction,
} from "./export.js";
import type { ExportClient, ExportOptions, ExportRows } from "./export.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { withSealedSpots } from "./sealed.js";
import type { SealedSpot } from "./sealed.js";

/** Advisory lock serialising every configuration change (so version N+1 always includes N). */
export const CHANGE_LOCK_KEY = 72707371;

/** What a change's transaction client offers here. */
export type VersionClient = ExportClient & Pick<PrismaClient, "configVersion" | "$executeRaw">;

/** Takes the change lock for the rest of transaction `tx`. */
export async function lockChanges(tx: Pick<PrismaClient, "$executeRaw">): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CHANGE_LOCK_KEY})`;
}

/** The snapshot a data plane would refuse: nothing is written. */
export class SnapshotRefusedError extends Error {
  constructor(readonly errors: ConfigError[]) {
    super("the change would make a configuration the data planes refuse");
    this.name = "SnapshotRefusedError";
  }
}

export interface CommitVersionOptions extends ExportOptions {
  author: string;
  message: string;
  /** the data planes' validation of the snapshot: errors make it throw SnapshotRefusedError */
  check?: (snapshot: ExportedDocument) => ConfigError[];
  /**
   * What the change wrote, when it wrote Route rows only (creates, updates, deletes by id; a
   * deleted route's plugins go with it): with `cache` holding the rows of the newest version,
   * only those rows are read again instead of every table. Anything else: leave it out.
   */
  changed?: { routeIds: string[]; deleted: boolean };
  cache?: ExportCache;
  /**
   * The export's rows as the change already read them inside `tx` after its last write (an
   * import reads them for its diff): used as they are instead of reading every table again.
   */
  rows?: ExportRows;
}

/**
 * The export's rows of the newest version this process committed (one per process: a
 * 100,000-route configuration is read once, then patched per change). Only used while that
 * version is still the newest in the database (checked under the change lock, so a version
 * committed by another replica or process makes the next change read everything again), and
 * only for changes that say exactly which rows they wrote (CommitVersionOptions.changed).
 */
export class ExportCache {
  private entry: { version: number; hash: string; rows: ExportRows } | null = null;

  /** After the version's transaction committed (never before: it may still roll back). */
  remember(committed: { version: number; hash: string; rows: ExportRows }): void {
    if (this.entry !== null && this.entry.version >= committed.version) return;
    this.entry = { version: committed.version, hash: committed.hash, rows: committed.rows };
  }

  forget(): void {
    this.entry = null;
  }

  /**
   * The cached rows when their version is still the newest in the database as `tx` sees it
   * (`tx` holds the change lock), i.e. the configuration before the change's writes; else null.
   */
  async current(tx: Pick<VersionClient, "configVersion">): Promise<ExportRows | null> {
    const entry = this.entry;
    if (entry === null) return null;
    const newest = await tx.configVersion.findFirst({
      orderBy: { version: "desc" },
      select: { version: true, hash: true },
    });
    if (newest?.version !== entry.version || newest.hash !== entry.hash) return null;
    return entry.rows;
  }

  /** The cached rows with `changed` read again inside `tx`, or null when they cannot be used. */
  async patched(
    tx: VersionClient,
    changed: { routeIds: string[]; deleted: boolean },
  ): Promise<ExportRows | null> {
    const cached = await this.current(tx);
    if (cached === null) return null;
    const ids = new Set(changed.routeIds);
    const fresh = await tx.route.findMany({ where: { id: { in: [...ids] } } });
    const rows = [...cached] as unknown as Mutable<ExportRows>;
    rows[ROUTE_ROWS] = [...cached[ROUTE_ROWS].filter((r) => !ids.has(r.id)), ...fresh];
    // a deleted route's plugins are deleted with it (ON DELETE CASCADE)
    if (changed.deleted) rows[PLUGIN_ROWS] = await tx.plugin.findMany();
    return rows as unknown as ExportRows;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface CommittedConfigVersion {
  version: number;
  hash: string;
  author: string;
  message: string | null;
  createdAt: Date;
  snapshot: ExportedDocument;
  /** the rows the snapshot was made of (for ExportCache.remember once committed) */
  rows: ExportRows;
  /**
   * The snapshot's canonical JSON (keys sorted: what `hash` is the sha256 of, what data planes
   * are sent, secrets in clear): serialized once per version, for the distributor of the process
   * that committed it.
   */
  canonical: string;
}

/**
 * Commits the configuration as it stands inside `tx` (which must hold the change lock, see
 * `lockChanges`) as a new version.
 */
export async function commitVersion(
  tx: VersionClient,
  options: CommitVersionOptions,
): Promise<CommittedConfigVersion> {
  const rows =
    options.rows ??
    ((options.cache && options.changed && (await options.cache.patched(tx, options.changed))) ||
      (await readExportRows(withoutTransaction(tx))));
  const spots: SealedSpot[] = [];
  const snapshot = shapeExport(rows, { secretKey: options.secretKey, sealedSpots: spots });
  const errors = options.check?.(snapshot) ?? [];
  if (errors.length > 0) throw new SnapshotRefusedError(errors);
  // serialized once: the hash is computed over this text (hashConfig's canonical JSON); the row
  // comes back without the snapshot (a 100,000-route document is tens of MB: reading it back and
  // parsing it again cost as much as writing it)
  const canonical = canonicalJson(snapshot);
  const hash = hashCanonical(canonical);
  // PostgreSQL stores it with its secrets sealed (their stored ciphertexts): openSealedText gives
  // `canonical` back. Without a secret key nothing is sealed (`sealed` false).
  const stored =
    spots.length > 0 ? withSealedSpots(spots, () => canonicalJson(snapshot)) : canonical;
  const sealed = options.secretKey !== undefined;
  const id = randomUUID();
  await tx.$executeRaw`
    INSERT INTO "ConfigVersion" ("id", "hash", "snapshot", "author", "message", "sealed")
    VALUES (${id}, ${hash}, ${stored}::jsonb, ${options.author}, ${options.message}, ${sealed})`;
  const row = await tx.configVersion.findUniqueOrThrow({
    where: { id },
    select: { version: true, createdAt: true },
  });
  return {
    version: row.version,
    hash,
    author: options.author,
    message: options.message,
    createdAt: row.createdAt,
    snapshot,
    canonical,
    rows,
  };
}
