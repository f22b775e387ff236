// THE way a configuration version is written: under the change lock, the database's export (as
// seen inside the change's transaction) is checked, hashed with @gatehouse/config's hashConfig and
// inserted as a ConfigVersion (version from the table's PostgreSQL sequence). The admin's every
// change (commitChange) and the demo seed go through it.
import { hashConfig } from "@gatehouse/config";
import type { ConfigError, ExportedDocument } from "@gatehouse/config";
import { exportInTransaction } from "./export.js";
import type { ExportClient, ExportOptions } from "./export.js";
import type { Prisma, PrismaClient } from "./generated/prisma/client.js";

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
}

export interface CommittedConfigVersion {
  version: number;
  hash: string;
  author: string;
  message: string | null;
  createdAt: Date;
  snapshot: ExportedDocument;
}

/**
 * Commits the configuration as it stands inside `tx` (which must hold the change lock, see
 * `lockChanges`) as a new version.
 */
export async function commitVersion(
  tx: VersionClient,
  options: CommitVersionOptions,
): Promise<CommittedConfigVersion> {
  const snapshot = await exportInTransaction(tx, { secretKey: options.secretKey });
  const errors = options.check?.(snapshot) ?? [];
  if (errors.length > 0) throw new SnapshotRefusedError(errors);
  const row = await tx.configVersion.create({
    data: {
      hash: hashConfig(snapshot),
      snapshot: snapshot as unknown as Prisma.InputJsonValue,
      author: options.author,
      message: options.message,
    },
  });
  return {
    version: row.version,
    hash: row.hash,
    author: row.author,
    message: row.message,
    createdAt: row.createdAt,
    snapshot,
  };
}
