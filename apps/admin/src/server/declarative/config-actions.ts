import "server-only";
import { parseDeclarative } from "@gatehouse/config";
import {
  exportDeclarative,
  readExportRows,
  shapeExport,
  withoutTransaction,
} from "@gatehouse/db/export";
import type { ExportClient } from "@gatehouse/db/export";
import { stringify } from "yaml";
import type { Caller } from "@/server/entities/resource";
import { maskDocumentSecrets } from "@/server/catalog/plugins";
import { lockChanges } from "@gatehouse/db/versions";
import { applyChange, commitChange, exportCache } from "@/server/changes/commit-change";
import type { AuditEntry, CommittedVersion, Tx } from "@/server/changes/types";
import { db } from "@/server/db";
import { jwtSecretKey } from "@/server/entities/credentials";
import type { ConfigDiff } from "@/server/declarative/diff";
import { diffDocuments } from "@/server/declarative/diff";
import type { ImportOptions } from "@/server/declarative/import";
import { restoreMaskedCertificateKeys } from "@/server/declarative/import-tls";
import {
  importDocument,
  restoreMaskedCredentials,
  validateDocument,
} from "@/server/declarative/import";
import { ApiError, validationError } from "@/server/http/errors";
import { refuseHostileJson } from "@/server/http/json-guard";
import { importUpstreamDeny } from "@/server/settings/settings";

/** Parses a YAML or JSON body into a document (400 with line/column on syntax errors). */
export function parseDocumentText(text: string, json: boolean): unknown {
  const parsed = parseDeclarative(text, json ? "body.json" : undefined);
  if (!parsed.ok) throw validationError(parsed.errors, "the document cannot be parsed");
  refuseHostileJson(parsed.doc);
  return parsed.doc;
}

/** Validates without writing: the data plane's validator plus the admin's own limits. */
export async function validateConfig(doc: unknown): Promise<{
  services: number;
  routes: number;
  consumers: number;
  plugins: number;
}> {
  const config = validateDocument(
    await restoreMaskedCertificateKeys(db(), await restoreMaskedCredentials(db(), doc)),
  );
  return {
    services: config.services.length,
    routes: config.routes.length,
    consumers: config.consumers.length,
    plugins: config.plugins.length,
  };
}

/** The whole configuration as a file; plugin secrets masked unless `includeSecrets`. */
export async function exportConfig(
  format: "json" | "yaml",
  includeSecrets = false,
): Promise<string> {
  const exported = await exportDeclarative(db(), { secretKey: jwtSecretKey() });
  const doc = includeSecrets ? exported : maskDocumentSecrets(exported);
  return format === "json" ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc);
}

class DryRunRollback extends Error {
  constructor(readonly diff: ConfigDiff) {
    super("dry run");
  }
}

export interface ImportOutcome {
  dry_run: boolean;
  diff: ConfigDiff;
  version: CommittedVersion | null;
}

/** Above this many changed entities, an import is audited as one entry (ids, no before/after). */
export const BULK_AUDIT_THRESHOLD = 200;

function summarizeAudit(audit: AuditEntry[], mode: string): AuditEntry[] {
  if (audit.length <= BULK_AUDIT_THRESHOLD) return audit;
  const counts: Record<string, number> = {};
  for (const entry of audit) {
    const key = `${entry.entityType}.${entry.action}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return [
    {
      action: "import",
      entityType: "config",
      entityId: null,
      after: {
        mode,
        counts,
        entities: audit.map((e) => ({ type: e.entityType, action: e.action, id: e.entityId })),
      },
    },
  ];
}

/**
 * Imports `doc` inside `tx` and diffs the export before and after. The configuration before is
 * this process's rows of the newest version when they are still the newest (ExportCache), and
 * the rows read after the import are the ones its version is committed from: one read of every
 * table per import instead of three.
 */
async function importAndDiff(tx: Tx, doc: unknown, options: ImportOptions, caller: Caller) {
  const secretKey = jwtSecretKey();
  const client = withoutTransaction(tx as unknown as ExportClient);
  const beforeRows = (await exportCache().current(tx)) ?? (await readExportRows(client));
  const before = shapeExport(beforeRows, { secretKey });
  const audit = await importDocument(tx, doc, options);
  // the admin-only upstream deny list, when the (now validated) document carries one
  const deny = (doc as { upstream_deny?: string[] }).upstream_deny ?? null;
  audit.push(...(await importUpstreamDeny(tx, deny, caller)));
  const rows = await readExportRows(client);
  const after = shapeExport(rows, { secretKey });
  return { audit, diff: diffDocuments(before, after), rows };
}

/**
 * Imports a document in one transaction (all or nothing). With dryRun the same work runs and is
 * rolled back, returning the diff it would make; otherwise it becomes a new config version.
 */
export async function importConfig(
  caller: Caller,
  doc: unknown,
  options: ImportOptions & { dryRun: boolean; message?: string },
): Promise<ImportOutcome> {
  if (options.dryRun) {
    try {
      await db().$transaction(
        async (tx) => {
          await lockChanges(tx);
          const { audit, diff, rows } = await importAndDiff(tx, doc, options, caller);
          // Run the same snapshot check a real import makes, then roll back.
          if (audit.length > 0) {
            await commitChange(tx, {
              actor: caller.auth.actor,
              requestId: caller.requestId,
              ip: caller.ip,
              message: "dry run",
              audit: summarizeAudit(audit, options.mode),
              rows,
            });
          }
          throw new DryRunRollback(diff);
        },
        { timeout: 120_000, maxWait: 30_000 },
      );
    } catch (error) {
      if (error instanceof DryRunRollback)
        return { dry_run: true, diff: error.diff, version: null };
      throw error;
    }
    throw new ApiError("internal", "dry run did not roll back");
  }
  const { result, version } = await applyChange(
    { actor: caller.auth.actor, requestId: caller.requestId, ip: caller.ip },
    options.message ?? `import (${options.mode})`,
    async (tx) => {
      const { audit, diff, rows } = await importAndDiff(tx, doc, options, caller);
      return { result: diff, audit: summarizeAudit(audit, options.mode), rows };
    },
  );
  return { dry_run: false, diff: result, version };
}
