import "server-only";
import type { ExportedDocument } from "@gatehouse/config";
import type { ExportOptions } from "@gatehouse/db/export";
import { exportInTransaction as exportInTx } from "@gatehouse/db/export";
import type { Tx } from "@/server/changes/types";

/** The declarative export as seen INSIDE transaction `tx` (uncommitted changes included). */
export function exportInTransaction(
  tx: Tx,
  options: ExportOptions = {},
): Promise<ExportedDocument> {
  return exportInTx(tx as Parameters<typeof exportInTx>[0], options);
}
