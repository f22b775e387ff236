import "server-only";
import {
  isDatabaseUnavailable,
  isForeignKeyViolation,
  isNotFound,
  isUniqueViolation,
  uniqueViolationFields,
} from "@gatehouse/db/client";

/** One field-level problem: where (a path into the request body or document) and why. */
export interface FieldError {
  path: string;
  message: string;
}

/** The fixed set of error codes of the admin API, and the HTTP status each one maps to. */
export const ERROR_STATUS = {
  validation: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  stale: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The only error type handlers throw on purpose; `toErrorResponse` turns it into HTTP. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ErrorCode;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.errors = options.errors;
    this.headers = options.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const validationError = (errors: FieldError[], message = "the request is invalid") =>
  new ApiError("validation", message, { errors });

export const notFound = (what: string, key: string) =>
  new ApiError("not_found", `${what} ${JSON.stringify(key)} not found`);

const FIELD_NAMES: Record<string, string> = {
  customId: "custom_id",
  instanceName: "instance_name",
  keyHash: "key",
  serviceId: "service",
  routeId: "route",
  consumerId: "consumer",
};

/** Seconds a client is told to wait (Retry-After) when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Known database errors become API errors; anything else is left for the generic 500. */
export function fromDatabaseError(error: unknown): ApiError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new ApiError("unavailable", "the database is unavailable: try again shortly", {
      headers: { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) },
    });
  }
  if (isUniqueViolation(error)) {
    const fields = uniqueViolationFields(error).map((f) => FIELD_NAMES[f] ?? f);
    const unique = [...new Set(fields)];
    const what = unique.length ? unique.join(", ") : "a unique field";
    return new ApiError("conflict", `an entity with the same ${what} already exists`, {
      errors: unique.map((path) => ({ path, message: "already exists" })),
    });
  }
  if (isNotFound(error)) return new ApiError("not_found", "the entity was not found");
  if (isForeignKeyViolation(error)) {
    return new ApiError("conflict", "the entity is still referenced by other entities");
  }
  return undefined;
}

/**
 * The one place where errors become HTTP responses. Unknown errors are logged (message only,
 * never request bodies) and answered with a generic 500: no stack, no internal message.
 */
export function toErrorResponse(error: unknown, requestId: string): Response {
  const apiError = error instanceof ApiError ? error : (fromDatabaseError(error) ?? undefined);
  if (apiError?.code === "unavailable" && !(error instanceof ApiError)) {
    console.error(`[${requestId}] database unavailable: ${describeForLog(error)}`);
  }
  if (!apiError) {
    console.error(`[${requestId}] unexpected error: ${describeForLog(error)}`);
    return Response.json(
      { code: "internal", message: "internal server error", request_id: requestId },
      { status: 500, headers: { "x-request-id": requestId, "cache-control": "no-store" } },
    );
  }
  return Response.json(
    {
      code: apiError.code,
      message: apiError.message,
      ...(apiError.errors ? { errors: apiError.errors } : {}),
      request_id: requestId,
    },
    {
      status: apiError.status,
      headers: { ...apiError.headers, "x-request-id": requestId, "cache-control": "no-store" },
    },
  );
}

/**
 * What the log keeps of an unexpected error: its class, code and FIRST line only. Database
 * errors print the whole query (with plugin configs, hashes) after that line; it never reaches
 * the log.
 */
export function describeForLog(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const firstLine = error.message.split("\n").find((line) => line.trim() !== "") ?? "";
  return `${error.name}${typeof code === "string" ? ` ${code}` : ""}: ${firstLine.trim().slice(0, 200)}`;
}
