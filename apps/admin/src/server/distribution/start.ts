// Starts the distributor once per server process (from instrumentation.ts, nodejs runtime).
// No "server-only" here: instrumentation is bundled apart from the app's route handlers, so the
// one distributor lives on globalThis, where route handlers (registration) find it.
import { createPrismaClient } from "@gatehouse/db/client";
import { env } from "../../env";
import { onVersionCommitted } from "../changes/hooks";
import { secretKeyOf } from "../secrets/key";
import { Distributor } from "./distributor";

const globalDistribution = globalThis as typeof globalThis & {
  gatehouseDistributor?: Distributor;
};

/** The running distributor, if this process started one. */
export function runningDistributor(): Distributor | undefined {
  return globalDistribution.gatehouseDistributor;
}

/**
 * Starts pushing config versions to the registered data planes: on every committed version and
 * every GATEHOUSE_DISTRIBUTION_POLL_MS (versions committed by other control-plane replicas,
 * data planes registered through them). Needs GATEHOUSE_CLUSTER_TOKEN; without it nothing is
 * distributed (and the data-plane endpoints answer 503). Stops on SIGTERM/SIGINT.
 */
export function startDistribution(): void {
  if (globalDistribution.gatehouseDistributor) return;
  const settings = env();
  const token = settings.GATEHOUSE_CLUSTER_TOKEN;
  if (token === undefined) {
    console.warn(
      "[distribution] GATEHOUSE_CLUSTER_TOKEN is not set: configuration is not pushed to data planes",
    );
    return;
  }
  // its own small pool: pushes and polls never wait behind API requests for a connection
  const prisma = createPrismaClient(settings.DATABASE_URL, { maxConnections: 3 });
  const distributor = new Distributor({
    prisma,
    clusterToken: token,
    clusterTls: settings.clusterTls,
    secretKey: secretKeyOf(settings.GATEHOUSE_KEY_HASH_SECRET),
    pollIntervalMs: settings.GATEHOUSE_DISTRIBUTION_POLL_MS,
    requestTimeoutMs: settings.GATEHOUSE_PUSH_TIMEOUT_MS,
    retryInitialMs: settings.GATEHOUSE_PUSH_RETRY_MS,
    coalesceMs: settings.GATEHOUSE_PUSH_COALESCE_MS,
  });
  globalDistribution.gatehouseDistributor = distributor;
  const unsubscribe = onVersionCommitted((version, committed) =>
    distributor.notify(version.version, {
      hash: version.hash,
      snapshot: committed.snapshot,
      canonical: committed.canonical,
    }),
  );
  distributor.start();

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    unsubscribe();
    void distributor.stop().then(() => prisma.$disconnect());
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
