import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";

// CommonJS modules whose module.exports is also their default export
const Ajv04 = Ajv04Module as unknown as typeof Ajv04Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/**
 * JSON Schema draft 4 validators (ajv-draft-04, formats from ajv-formats), compiled once per schema
 * text and kept while a config uses it. Each schema gets its own Ajv instance, so two configs may use
 * the same `id` for different schemas.
 */
function newAjv(): InstanceType<typeof Ajv04> {
  const ajv = new Ajv04({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();

export type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

/** Parses and compiles a draft 4 schema given as JSON text (Kong's fields are strings). */
export function compileSchema(text: string): Compiled {
  const hit = compiled.get(text);
  if (hit !== undefined) return { ok: true, validate: hit };
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return { ok: false, message: "expected a JSON Schema object" };
  try {
    const validate = newAjv().compile(schema);
    compiled.set(text, validate);
    return { ok: true, validate };
  } catch (err) {
    return { ok: false, message: `not a valid draft 4 JSON Schema: ${(err as Error).message}` };
  }
}

/** Drops compiled schemas no running config uses (bounded memory across config changes). */
export function retainSchemas(texts: ReadonlySet<string>): void {
  for (const t of compiled.keys()) if (!texts.has(t)) compiled.delete(t);
}

/** ajv's errors as one line naming each failing path: `/items/0/name must be string; ...`. */
export function describeErrors(
  errors: readonly ErrorObject[] | null | undefined,
  root: string,
): string {
  return (errors ?? [])
    .map((e) => {
      let path = e.instancePath === "" ? root : `${root}${e.instancePath}`;
      if (e.keyword === "required")
        path = `${path}/${String((e.params as { missingProperty?: string }).missingProperty)}`;
      return `${path} ${e.keyword === "required" ? "is required" : (e.message ?? "is invalid")}`;
    })
    .join("; ");
}
