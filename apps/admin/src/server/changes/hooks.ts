import "server-only";
import type { CommittedVersion } from "@/server/changes/types";

type Listener = (version: CommittedVersion) => void | Promise<void>;

const globalHooks = globalThis as typeof globalThis & { gatehouseVersionListeners?: Listener[] };

/**
 * Distribution seam: called once per committed config version, AFTER its transaction committed.
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

export async function notifyVersionCommitted(version: CommittedVersion): Promise<void> {
  for (const listener of globalHooks.gatehouseVersionListeners ?? []) {
    try {
      await listener(version);
    } catch (error) {
      console.error(
        `onVersionCommitted listener failed for version ${version.version}:`,
        error instanceof Error ? error.message : error,
      );
    }
  }
}
