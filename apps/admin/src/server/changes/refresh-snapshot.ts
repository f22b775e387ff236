import "server-only";
import { hashConfig } from "@gatehouse/config";
import { exportDeclarative } from "@gatehouse/db/export";
import { applyChange } from "@/server/changes/commit-change";
import { exportInTransaction } from "@/server/declarative/export-in-tx";
import { db } from "@/server/db";
import { jwtSecretKey } from "@/server/entities/credentials";

export const REFRESH_MESSAGE = "the configuration re-exported in this admin's format";

/**
 * Every change commits the database's export as the newest version, so the two only differ when
 * this admin exports another shape than the one that committed it: e.g. after the upgrade that
 * gave each service's targets an upstream of its own (issue 9), where data planes refuse the old
 * shape when it merged two services. Then the current export is committed as a new version (no
 * entity changes, one audit row), so a data plane registering or pulling never waits for an
 * operator's next change to get a configuration it accepts. A no-op (one export) otherwise.
 */
export async function refreshSnapshot(caller: { requestId: string; ip: string }): Promise<void> {
  try {
    await refresh(caller);
  } catch (error) {
    // the data plane still gets the newest version as it is; the next change exports afresh.
    // Name and code only: a database error's message may quote the snapshot (secrets included).
    const { name, code } = error as { name?: unknown; code?: unknown };
    console.error(
      `[distribution] re-exporting the configuration failed: ${String(name)} ${String(code ?? "")}`,
    );
  }
}

async function refresh(caller: { requestId: string; ip: string }): Promise<void> {
  const newest = () =>
    db().configVersion.findFirst({ orderBy: { version: "desc" }, select: { hash: true } });
  const [stored, current] = await Promise.all([
    newest(),
    exportDeclarative(db(), { secretKey: jwtSecretKey() }),
  ]);
  if (stored === null || stored.hash === hashConfig(current)) return;
  await applyChange(
    { actor: "gatehouse", requestId: caller.requestId, ip: caller.ip },
    REFRESH_MESSAGE,
    async (tx) => {
      // checked again under the change lock: another request or replica may have done it
      const row = await tx.configVersion.findFirst({
        orderBy: { version: "desc" },
        select: { version: true, hash: true },
      });
      const snapshot = await exportInTransaction(tx, { secretKey: jwtSecretKey() });
      if (row === null || row.hash === hashConfig(snapshot)) return { result: null, audit: [] };
      return {
        result: null,
        audit: [
          {
            action: "refresh",
            entityType: "config_version",
            entityId: String(row.version),
            before: { hash: row.hash },
          },
        ],
      };
    },
  );
}
