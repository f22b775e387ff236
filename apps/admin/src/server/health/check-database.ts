import "server-only";
import { db } from "@/server/db";

/** Resolves when PostgreSQL answers `SELECT 1`; rejects otherwise. */
export async function checkDatabase(): Promise<void> {
  await db().$queryRaw`SELECT 1`;
}
