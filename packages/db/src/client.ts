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

/** Prisma's "cannot reach / lost / timed out / pool exhausted" codes. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** @prisma/adapter-pg's kinds for the same conditions. */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
]);
/** Socket errors of node-postgres's connection. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
/** node-postgres's own connection errors (plain Errors without a code). */
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/;

/**
 * True when `error` (or its cause) says PostgreSQL cannot be used right now: not reachable, the
 * connection dropped or timed out, the pool is exhausted, the server is shutting down or starting
 * (SQLSTATE class 08, 57P01-57P03, 53300). Such errors are a 503 (try again), not a 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if (current instanceof Prisma.PrismaClientInitializationError) return true;
    const e = current as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown };
    if (current instanceof Prisma.PrismaClientKnownRequestError) {
      if (UNAVAILABLE_PRISMA_CODES.has(current.code)) return true;
      const adapter = (current.meta as { driverAdapterError?: { cause?: { kind?: unknown } } })
        ?.driverAdapterError?.cause?.kind;
      if (typeof adapter === "string" && UNAVAILABLE_ADAPTER_KINDS.has(adapter)) return true;
    }
    if (typeof e.kind === "string" && UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
    if (typeof e.code === "string") {
      if (SOCKET_CODES.has(e.code)) return true;
      if (/^08/.test(e.code) || ["57P01", "57P02", "57P03", "53300"].includes(e.code)) return true;
    }
    if (typeof e.message === "string" && PG_CONNECTION_MESSAGE.test(e.message)) return true;
    current = e.cause;
  }
  return false;
}
