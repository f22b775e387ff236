import "server-only";
import type { NormalizedConfig } from "@gatehouse/config";
import { validateDeclarative } from "@gatehouse/config";
import { validationCatalog } from "@/server/catalog/plugins";
import type { FieldError } from "@/server/http/errors";
import { validationError } from "@/server/http/errors";

/**
 * Validates one entity with the data plane's own validator: the entity is placed in a minimal
 * declarative document and checked by `validateDeclarative` (schema, route matcher and regex rules,
 * plugin configs against the catalog). Error paths come back relative to the entity
 * (`services[0].port` → `port`). Throws a 400 with every error, plus `extra` errors found by the caller.
 */
export function validateEntity(
  document: Record<string, unknown>,
  prefix: string,
  extra: FieldError[] = [],
): NormalizedConfig {
  const result = validateDeclarative(
    { _format_version: "3.0", ...document },
    { plugins: validationCatalog() },
  );
  const errors = [...extra];
  if (!result.ok) {
    for (const error of result.errors) {
      let path = error.path;
      if (path === prefix) path = "";
      else if (path.startsWith(`${prefix}.`)) path = path.slice(prefix.length + 1);
      else if (path.startsWith(`${prefix}[`)) path = path.slice(prefix.length);
      errors.push({ path, message: error.message });
    }
  }
  if (errors.length > 0 || !result.ok) throw validationError(errors);
  return result.config;
}

export interface CleanedInput {
  values: Record<string, unknown>;
  /** keys the client set to null (unset: back to the default) */
  cleared: string[];
  errors: FieldError[];
}

const READ_ONLY = ["id", "created_at", "updated_at", "version"];

/**
 * Splits a request body into known writable fields, fields set to null, and errors for unknown
 * or unsupported fields. Read-only fields (id, created_at, updated_at, version) are ignored so a
 * client can send back what it read.
 */
export function cleanInput(
  input: Record<string, unknown>,
  writable: readonly string[],
  unsupported: readonly string[] = [],
): CleanedInput {
  const values: Record<string, unknown> = {};
  const cleared: string[] = [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (READ_ONLY.includes(key)) continue;
    if (unsupported.includes(key)) {
      errors.push({ path: key, message: "is not supported by the admin API" });
    } else if (!writable.includes(key)) {
      errors.push({ path: key, message: "unknown field" });
    } else if (value === null) {
      cleared.push(key);
    } else {
      values[key] = value;
    }
  }
  return { values, cleared, errors };
}

/** `base` with `input` applied: set values overwrite, cleared keys are removed. */
export function merge(base: Record<string, unknown>, input: CleanedInput): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base, ...input.values };
  for (const key of input.cleared) delete out[key];
  return out;
}

/** `{ id }` reference → id; a bare string or `{ name }` → name; anything else → undefined. */
export function refOf(value: unknown): { by: "id" | "name"; key: string } | undefined {
  if (typeof value === "string" && value !== "") return { by: "name", key: value };
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.id === "string" && record.id !== "") return { by: "id", key: record.id };
    if (typeof record.name === "string" && record.name !== "")
      return { by: "name", key: record.name };
  }
  return undefined;
}
