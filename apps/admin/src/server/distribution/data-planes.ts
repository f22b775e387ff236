import "server-only";
import type {
  ClusterAnswer,
  PulledConfig,
  heartbeatMessageSchema,
  registerMessageSchema,
} from "@gatehouse/config";
import type { z } from "zod";
import { Prisma } from "@gatehouse/db/client";
import type { DataPlane } from "@gatehouse/db/client";
import { env } from "@/env";
import { db } from "@/server/db";
import { runningDistributor } from "@/server/distribution/start";
import { ApiError } from "@/server/http/errors";
import { openStoredSecrets } from "@/server/secrets/open";
import type { ListQuery } from "@/server/http/list-query";

/** How often data planes are asked to heartbeat (ms); a data plane is "connected" within 3 of them. */
export function heartbeatIntervalMs(): number {
  return env().GATEHOUSE_HEARTBEAT_INTERVAL_MS;
}

async function latestVersion(): Promise<{ version: number; hash: string } | null> {
  return db().configVersion.findFirst({
    orderBy: { version: "desc" },
    select: { version: true, hash: true },
  });
}

/** A data plane that reports the newest version is in sync, whatever the last push said. */
function statusFor(
  applied: number | null,
  latest: { version: number } | null,
): Prisma.DataPlaneUpdateInput {
  if (latest !== null && applied !== null && applied >= latest.version) {
    return { status: "in_sync", errors: Prisma.DbNull, missingPlugins: [], lastError: null };
  }
  return {};
}

function answer(latest: { version: number; hash: string } | null): ClusterAnswer {
  return {
    latest_version: latest?.version ?? null,
    latest_hash: latest?.hash ?? null,
    heartbeat_interval_ms: heartbeatIntervalMs(),
  };
}

/** What the data plane says about itself, with its target health (issue 12) under `upstream_health`. */
function reportedOf(input: z.output<typeof heartbeatMessageSchema>) {
  if (input.status === null && input.upstream_health === null) return undefined;
  return {
    ...(input.status ?? {}),
    ...(input.upstream_health === null ? {} : { upstream_health: input.upstream_health }),
  } as Prisma.InputJsonValue;
}

/** Registration (at start and whenever a heartbeat says it is unknown): upsert, then push. */
export async function registerDataPlane(input: z.output<typeof registerMessageSchema>) {
  const latest = await latestVersion();
  const fields = {
    hostname: input.hostname,
    controlAddress: input.control_url,
    address: input.proxy_url,
    softwareVersion: input.software_version,
    plugins: input.plugins as unknown as Prisma.InputJsonValue,
    appliedVersion: input.applied_version,
    appliedHash: input.applied_hash,
    reported: reportedOf(input),
    lastSeenAt: new Date(),
  };
  const inSync = statusFor(input.applied_version, latest);
  await db().dataPlane.upsert({
    where: { id: input.id },
    create: {
      id: input.id,
      ...fields,
      status: inSync.status === "in_sync" ? "in_sync" : "pending",
    },
    update: {
      ...fields,
      // a re-registration may bring another plugin set or address: judged afresh by the next push
      status: inSync.status === "in_sync" ? "in_sync" : "pending",
      errors: Prisma.DbNull,
      missingPlugins: [],
      lastError: null,
      version: { increment: 1 },
    },
  });
  runningDistributor()?.kick();
  return answer(latest);
}

/** Heartbeat: last seen + what it runs. 404 when unknown (the data plane registers again). */
export async function heartbeatDataPlane(input: z.output<typeof heartbeatMessageSchema>) {
  const latest = await latestVersion();
  const { count } = await db().dataPlane.updateMany({
    where: { id: input.id },
    data: {
      lastSeenAt: new Date(),
      appliedVersion: input.applied_version,
      appliedHash: input.applied_hash,
      reported: reportedOf(input),
      ...(statusFor(input.applied_version, latest) as Prisma.DataPlaneUpdateManyMutationInput),
    },
  });
  if (count === 0) {
    throw new ApiError("not_found", `data plane ${JSON.stringify(input.id)} is not registered`);
  }
  return answer(latest);
}

/** The newest config version, for a data plane pulling at start or catching up. */
export async function latestConfig(): Promise<PulledConfig> {
  const row = await db().configVersion.findFirst({
    orderBy: { version: "desc" },
    select: { version: true, hash: true, snapshot: true },
  });
  if (!row) throw new ApiError("not_found", "no configuration version has been committed yet");
  return { version: row.version, hash: row.hash, config: openStoredSecrets(row.snapshot) };
}

function present(row: DataPlane, latest: number | null, now: number) {
  const heartbeat = heartbeatIntervalMs();
  return {
    id: row.id,
    hostname: row.hostname,
    control_url: row.controlAddress,
    proxy_url: row.address,
    software_version: row.softwareVersion,
    plugins: row.plugins,
    status: row.status,
    applied_version: row.appliedVersion,
    applied_hash: row.appliedHash,
    target_version: row.targetVersion,
    latest_version: latest,
    errors: row.errors ?? [],
    missing_plugins: row.missingPlugins,
    last_error: row.lastError,
    last_seen_at: row.lastSeenAt?.toISOString() ?? null,
    last_push_at: row.lastPushAt?.toISOString() ?? null,
    connected: row.lastSeenAt !== null && now - row.lastSeenAt.getTime() <= 3 * heartbeat,
    reported: row.reported,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

const SORT_COLUMNS: Record<string, keyof DataPlane> = {
  id: "id",
  hostname: "hostname",
  last_seen_at: "lastSeenAt",
  created_at: "createdAt",
  status: "status",
};
export const DATA_PLANE_SORTS = Object.keys(SORT_COLUMNS);

const STATUSES = ["in_sync", "pending", "rejected", "incompatible", "unreachable", "unknown"];

export async function listDataPlanes(url: URL, query: ListQuery) {
  const status = url.searchParams.get("status");
  if (status !== null && !STATUSES.includes(status)) {
    throw new ApiError("validation", "the request is invalid", {
      errors: [{ path: "status", message: `must be one of ${STATUSES.join(", ")}` }],
    });
  }
  const column = SORT_COLUMNS[query.sortBy] ?? "id";
  const [rows, latest] = await Promise.all([
    db().dataPlane.findMany({
      where: {
        ...(status ? { status: status as DataPlane["status"] } : {}),
        ...(query.q
          ? { OR: [{ id: { contains: query.q } }, { hostname: { contains: query.q } }] }
          : {}),
      },
      orderBy: [{ [column]: query.sortDesc ? "desc" : "asc" }, { id: "asc" }],
      skip: query.skip,
      take: query.size + 1,
    }),
    latestVersion(),
  ]);
  const now = Date.now();
  return rows.map((row) => present(row, latest?.version ?? null, now));
}

export async function getDataPlane(id: string) {
  const [row, latest] = await Promise.all([
    db().dataPlane.findUnique({ where: { id } }),
    latestVersion(),
  ]);
  if (!row) throw new ApiError("not_found", `data plane ${JSON.stringify(id)} not found`);
  return present(row, latest?.version ?? null, Date.now());
}
