import "server-only";
import type { CommittedSnapshot, CommittedVersion } from "@/server/changes/types";

type Listener = (version: CommittedVersion, snapshot: CommittedSnapshot) => void | Promise<void>;

const globalHooks = globalThis as typeof globalThis & { gatehouseVersionListeners?: Listener[] };

/**
 * Distribution seam: called once per committed config version, AFTER its transaction committed,
 * with the version's snapshot as this process committed it (the distributor sends it as is
 * instead of reading it back from the database).
 * No-op by default; the distribution work registers a listener (push to data planes) here.
 * A failing listener is logged and never fails the API request that made the change.
 */
export function onVersionCommitted(listener: Listener): () => void {
  const list = (globalHooks.gatehouseVersionListeners ??= []);
  list.push(listener);
  return () => {
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
  };
}

export async function notifyVersionCommitted(
  version: CommittedVersion,
  snapshot: CommittedSnapshot,
): Promise<void> {
  for (const listener of globalHooks.gatehouseVersionListeners ?? []) {
    try {
      await listener(version, snapshot);
    } catch (error) {
      console.error(
        `onVersionCommitted listener failed for version ${version.version}:`,
        error instanceof Error ? error.message : error,
      );
    }
  }
}
