// Prisma Client for Gatehouse: the generated client (prisma/schema.prisma) over node-postgres via
// @prisma/adapter-pg (no native query engine).
import { PrismaPg } from "@prisma/adapter-pg";
import { Prisma, PrismaClient } from "./generated/prisma/client.js";

export * from "./generated/prisma/client.js";

export interface CreatePrismaClientOptions {
  /** Maximum pool connections (node-postgres `max`). Default 10. */
  maxConnections?: number;
  /** Prisma log levels, e.g. ["warn", "error"]. Default: none. */
  log?: Prisma.LogLevel[];
}

/** A PrismaClient connected (lazily) to `databaseUrl`. Call `$disconnect()` when done. */
export function createPrismaClient(
  databaseUrl: string,
  options: CreatePrismaClientOptions = {},
): PrismaClient {
  if (!databaseUrl) throw new Error("createPrismaClient: databaseUrl is required");
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: options.maxConnections ?? 10,
  });
  return new PrismaClient({ adapter, log: options.log ?? [] });
}

/** True when `error` is Prisma's unique-constraint violation (P2002). */
export function isUniqueViolation(error: unknown): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** True when `error` is Prisma's "record to update/delete not found" (P2025). */
export function isNotFound(error: unknown): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025";
}

/** True when `error` is a foreign-key violation (P2003), e.g. deleting a service that has routes. */
export function isForeignKeyViolation(
  error: unknown,
): error is Prisma.PrismaClientKnownRequestError {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003";
}

/**
 * The fields behind a P2002 error, e.g. ["email"] for "AdminUser_email_key" (with the pg adapter
 * Prisma reports the index name, not `meta.target`). [] when unknown.
 */
export function uniqueViolationFields(error: unknown): string[] {
  if (!isUniqueViolation(error)) return [];
  const meta = (error.meta ?? {}) as {
    target?: unknown;
    modelName?: string;
    driverAdapterError?: { cause?: { constraint?: { index?: string; fields?: string[] } } };
  };
  if (Array.isArray(meta.target)) return meta.target.map(String);
  const constraint = meta.driverAdapterError?.cause?.constraint;
  if (constraint?.fields) return constraint.fields.map((field) => field.replace(/^"|"$/g, ""));
  const index = constraint?.index;
  if (
    !index ||
    !meta.modelName ||
    !index.startsWith(`${meta.modelName}_`) ||
    !index.endsWith("_key")
  ) {
    return [];
  }
  return index.slice(meta.modelName.length + 1, -"_key".length).split("_");
}
