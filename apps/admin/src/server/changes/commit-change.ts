import "server-only";
import { validateDeclarative } from "@gatehouse/config";
import type { Prisma } from "@gatehouse/db/client";
import {
  commitVersion,
  ExportCache,
  lockChanges,
  SnapshotRefusedError,
} from "@gatehouse/db/versions";
import type { CommittedConfigVersion } from "@gatehouse/db/versions";
import type { ExportRows } from "@gatehouse/db/export";
import { validationCatalog } from "@/server/catalog/plugins";
import { notifyVersionCommitted } from "@/server/changes/hooks";
import { jwtSecretKey } from "@/server/entities/credentials";
import type {
  AuditEntry,
  ChangeActor,
  CommittedSnapshot,
  CommittedVersion,
  Tx,
} from "@/server/changes/types";
import { db } from "@/server/db";
import { validationError } from "@/server/http/errors";

/**
 * THE way a configuration change is committed, inside the change's transaction (holding the
 * change lock): writes the audit rows, then @gatehouse/db's commitVersion (the path the seed takes
 * too) exports the database as a declarative document (the snapshot), checks it with the data
 * plane's own validator (a snapshot a data plane would refuse is never committed), and inserts a
 * ConfigVersion (version from the table's PostgreSQL sequence, hash = hashConfig(snapshot)).
 */
export async function commitChange(
  tx: Tx,
  change: ChangeActor & { message: string; audit: AuditEntry[]; rows?: ExportRows },
): Promise<CommittedVersion> {
  return (await commitChangeWithSnapshot(tx, change)).committed;
}

const globalCache = globalThis as typeof globalThis & { gatehouseExportCache?: ExportCache };

/** This process's rows of the newest version it committed (one per process, whatever bundle). */
export function exportCache(): ExportCache {
  return (globalCache.gatehouseExportCache ??= new ExportCache());
}

/**
 * The Route rows a change wrote, when its audit says it wrote nothing else: the generic
 * resource operations on routes (create, update, delete: one row each, a deleted route's plugins
 * with it). Any other entity type, or a summary entry (an import), reads every table again.
 */
function routeRowsChanged(
  audit: AuditEntry[],
): { routeIds: string[]; deleted: boolean } | undefined {
  const routeIds: string[] = [];
  let deleted = false;
  for (const entry of audit) {
    if (entry.entityType !== "route" || entry.entityId === null) return undefined;
    if (entry.action !== "create" && entry.action !== "update" && entry.action !== "delete")
      return undefined;
    routeIds.push(entry.entityId);
    if (entry.action === "delete") deleted = true;
  }
  return routeIds.length > 0 ? { routeIds, deleted } : undefined;
}

interface Committed {
  committed: CommittedVersion;
  snapshot: CommittedSnapshot;
  rows: CommittedConfigVersion["rows"];
}

/** commitChange, also returning the snapshot it committed (for the distribution hook). */
async function commitChangeWithSnapshot(
  tx: Tx,
  change: ChangeActor & { message: string; audit: AuditEntry[]; rows?: ExportRows },
): Promise<Committed> {
  if (change.audit.length > 0) {
    await tx.auditLog.createMany({
      data: change.audit.map((entry) => ({
        actor: change.actor,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: toJson(entry.before),
        after: toJson(entry.after),
        requestId: change.requestId,
        ip: change.ip,
      })),
    });
  }
  try {
    const { snapshot, canonical, rows, ...committed } = await commitVersion(tx, {
      author: change.actor,
      message: change.message,
      // With the jwt secrets in clear: the snapshot is what data planes receive.
      secretKey: jwtSecretKey(),
      check: (snapshot) => {
        const checked = validateDeclarative(snapshot, { plugins: validationCatalog() });
        return checked.ok ? [] : checked.errors;
      },
      changed: routeRowsChanged(change.audit),
      cache: exportCache(),
      rows: change.rows,
    });
    return { committed, snapshot: { snapshot, canonical }, rows };
  } catch (error) {
    if (error instanceof SnapshotRefusedError) throw validationError(error.errors, error.message);
    throw error;
  }
}

function toJson(value: unknown): Prisma.InputJsonValue | undefined {
  return value === undefined
    ? undefined
    : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue);
}

export interface ChangeResult<T> {
  result: T;
  version: CommittedVersion | null;
}

/**
 * Runs `work` in one transaction under the change lock. `work` returns its result and the audit
 * entries (and, optionally, a message saying what changed, better than `message`); when it reports any, the change is committed as a new version (commitChange), and after
 * the transaction commits the distribution hook is told. Any error rolls everything back.
 */
export async function applyChange<T>(
  actor: ChangeActor,
  message: string,
  work: (tx: Tx) => Promise<{
    result: T;
    audit: AuditEntry[];
    message?: string;
    /** the export's rows, when `work` read them after its last write (commitVersion's `rows`) */
    rows?: ExportRows;
  }>,
): Promise<ChangeResult<T>> {
  const outcome = await db().$transaction(
    async (tx) => {
      await lockChanges(tx);
      const { result, audit, message: described, rows } = await work(tx);
      const committed =
        audit.length > 0
          ? await commitChangeWithSnapshot(tx, {
              ...actor,
              message: described ?? message,
              audit,
              rows,
            })
          : null;
      return { result, committed };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  const { result, committed } = outcome;
  if (committed) {
    // committed: the next change may start from these rows (ExportCache)
    exportCache().remember({ ...committed.committed, rows: committed.rows });
    await notifyVersionCommitted(committed.committed, committed.snapshot);
  }
  return { result, version: committed?.committed ?? null };
}
