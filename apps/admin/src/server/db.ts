import "server-only";
import { createPrismaClient } from "@gatehouse/db/client";
import { env } from "@/env";

type PrismaClient = ReturnType<typeof createPrismaClient>;

// One client per process (kept on globalThis so `next dev` reloads don't open new pools).
const globalForDb = globalThis as typeof globalThis & { gatehousePrisma?: PrismaClient };

export function db(): PrismaClient {
  globalForDb.gatehousePrisma ??= createPrismaClient(env().DATABASE_URL);
  return globalForDb.gatehousePrisma;
}
