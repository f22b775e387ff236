import "server-only";
import type { DeclarativeDocument, ExportOptions } from "@gatehouse/db/export";
import { exportDeclarative } from "@gatehouse/db/export";
import type { Tx } from "@/server/changes/types";

/**
 * The declarative export as seen INSIDE transaction `tx` (uncommitted changes included).
 * `$transaction` is hidden: given a client that has it, exportDeclarative opens a separate
 * transaction and would read the committed state instead.
 */
export function exportInTransaction(
  tx: Tx,
  options: ExportOptions = {},
): Promise<DeclarativeDocument> {
  const withoutTransaction = new Proxy(tx, {
    get: (target, key, receiver) =>
      key === "$transaction" ? undefined : (Reflect.get(target, key, receiver) as unknown),
  });
  return exportDeclarative(withoutTransaction as Parameters<typeof exportDeclarative>[0], options);
}
