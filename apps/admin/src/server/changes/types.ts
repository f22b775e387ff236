import type { ExportedDocument } from "@gatehouse/config";
import type { Prisma, PrismaClient } from "@gatehouse/db/client";

/** The client of an interactive transaction. */
export type Tx = Prisma.TransactionClient;
export type Db = PrismaClient;

/** One audit record: who changed what (before/after are API representations, secrets masked). */
export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
}

/** Who asked for a change, from where. */
export interface ChangeActor {
  actor: string;
  requestId: string;
  ip: string;
}

export interface CommittedVersion {
  version: number;
  hash: string;
  author: string;
  message: string | null;
  createdAt: Date;
}

/**
 * A committed version's snapshot, kept for the distribution hook only (never in an API answer:
 * it carries the secrets in clear): the document and its canonical JSON (what the hash is over).
 */
export interface CommittedSnapshot {
  snapshot: ExportedDocument;
  canonical: string;
}
