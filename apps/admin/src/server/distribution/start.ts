// Starts the distributor once per server process (from instrumentation.ts, nodejs runtime).
// No "server-only" here: instrumentation is bundled apart from the app's route handlers, so the
// one distributor lives on globalThis, where route handlers (registration) find it.
import { createPrismaClient } from "@gatehouse/db/client";
import { onVersionCommitted } from "../changes/hooks";
import { Distributor } from "./distributor";

const globalDistribution = globalThis as typeof globalThis & {
  gatehouseDistributor?: Distributor;
};

/** The running distributor, if this process started one. */
export function runningDistributor(): Distributor | undefined {
  return globalDistribution.gatehouseDistributor;
}

function msFromEnv(name: string, fallback: number, min = 10): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > 3_600_000) {
    console.error(
      `${name}: must be a number of milliseconds (${min}..3600000), got ${JSON.stringify(raw)}`,
    );
    process.exit(1);
  }
  return n;
}

/**
 * Starts pushing config versions to the registered data planes: on every committed version and
 * every GATEHOUSE_DISTRIBUTION_POLL_MS (versions committed by other control-plane replicas,
 * data planes registered through them). Needs GATEHOUSE_CLUSTER_TOKEN; without it nothing is
 * distributed (and the data-plane endpoints answer 503). Stops on SIGTERM/SIGINT.
 */
export function startDistribution(): void {
  if (globalDistribution.gatehouseDistributor) return;
  const token = process.env.GATEHOUSE_CLUSTER_TOKEN;
  const databaseUrl = process.env.DATABASE_URL;
  if (!token || !databaseUrl) {
    console.warn(
      "[distribution] GATEHOUSE_CLUSTER_TOKEN is not set: configuration is not pushed to data planes",
    );
    return;
  }
  // its own small pool: pushes and polls never wait behind API requests for a connection
  const prisma = createPrismaClient(databaseUrl, { maxConnections: 3 });
  const distributor = new Distributor({
    prisma,
    clusterToken: token,
    pollIntervalMs: msFromEnv("GATEHOUSE_DISTRIBUTION_POLL_MS", 2000),
    requestTimeoutMs: msFromEnv("GATEHOUSE_PUSH_TIMEOUT_MS", 10_000),
    retryInitialMs: msFromEnv("GATEHOUSE_PUSH_RETRY_MS", 500),
    coalesceMs: msFromEnv("GATEHOUSE_PUSH_COALESCE_MS", 250, 0),
  });
  globalDistribution.gatehouseDistributor = distributor;
  const unsubscribe = onVersionCommitted((version) => distributor.notify(version.version));
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
