import "server-only";
import { maskDocumentSecrets } from "@/server/catalog/plugins";
import type { ConfigVersion } from "@gatehouse/db/client";
import type { Caller } from "@/server/entities/resource";
import { importConfig } from "@/server/declarative/config-actions";
import { diffDocuments } from "@/server/declarative/diff";
import { db } from "@/server/db";
import { ApiError } from "@/server/http/errors";
import { openStoredSecrets } from "@/server/secrets/open";
import type { ListQuery } from "@/server/http/list-query";

const summary = (row: Omit<ConfigVersion, "snapshot" | "sealed">) => ({
  version: row.version,
  hash: row.hash,
  author: row.author,
  message: row.message,
  created_at: row.createdAt.toISOString(),
});

export async function listVersions(query: ListQuery) {
  const rows = await db().configVersion.findMany({
    select: { id: true, version: true, hash: true, author: true, message: true, createdAt: true },
    orderBy: { version: query.sortDesc ? "desc" : "asc" },
    skip: query.skip,
    take: query.size + 1,
  });
  return rows.map(summary);
}

/** Parses a version number path/query value (400 when it is not a positive integer). */
export function versionNumber(text: string | null, path: string): number {
  if (text === null || !/^\d{1,9}$/.test(text) || Number(text) < 1) {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path, message: text === null ? "is required" : "must be a positive integer" }],
    });
  }
  return Number(text);
}

export async function getVersion(version: number): Promise<ConfigVersion> {
  const row = await db().configVersion.findUnique({ where: { version } });
  if (!row) throw new ApiError("not_found", `config version ${version} not found`);
  return row;
}

export async function showVersion(version: number, includeSecrets = false) {
  const row = await getVersion(version);
  // Secrets are masked here like in every other read, unless an admin asked for them.
  return {
    ...summary(row),
    // stored with its secrets sealed
    snapshot: includeSecrets ? openStoredSecrets(row.snapshot) : maskDocumentSecrets(row.snapshot),
  };
}

export async function diffVersions(from: number, to: number) {
  const [a, b] = await Promise.all([getVersion(from), getVersion(to)]);
  const [before, after] = [openStoredSecrets(a.snapshot), openStoredSecrets(b.snapshot)];
  return { from, to, diff: diffDocuments(before, after) };
}

/** Applies version `n`'s snapshot as a sync import: the result is a NEW version. */
export async function rollbackTo(caller: Caller, version: number) {
  const row = await getVersion(version);
  const outcome = await importConfig(caller, openStoredSecrets(row.snapshot), {
    mode: "sync",
    verbatimPluginConfigs: true,
    dryRun: false,
    message: `rollback to version ${version}`,
  });
  return { rolled_back_to: version, version: outcome.version, diff: outcome.diff };
}
