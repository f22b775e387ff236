import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";

// CommonJS modules whose module.exports is also their default export
const Ajv04 = Ajv04Module as unknown as typeof Ajv04Module.default;
const Ajv2020 = Ajv2020Module as unknown as typeof Ajv2020Module.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The JSON Schema dialects a schema text may be written in. */
export type Draft = "draft4" | "draft2020-12";

export const DRAFT_NAMES: Record<Draft, string> = {
  draft4: "draft 4",
  "draft2020-12": "draft 2020-12",
};

/**
 * JSON Schema validators (draft 4: ajv-draft-04; draft 2020-12: ajv's Ajv2020; formats from
 * ajv-formats), compiled once per (draft, schema text) and kept while a config uses it. Each schema
 * gets its own Ajv instance, so two configs may use the same `$id` for different schemas.
 */
function newAjv(draft: Draft) {
  const options = { allErrors: true, strict: false };
  const ajv = draft === "draft4" ? new Ajv04(options) : new Ajv2020(options);
  addFormats(ajv);
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();

export type Compiled = { ok: true; validate: ValidateFunction } | { ok: false; message: string };

/** The cache key of a schema text in a dialect (what `retainSchemas` is given). */
export function schemaKey(text: string, draft: Draft): string {
  return `${draft}\n${text}`;
}

/** Parses and compiles a schema given as JSON text (Kong's fields are strings) in the given dialect. */
export function compileSchema(text: string, draft: Draft): Compiled {
  const key = schemaKey(text, draft);
  const hit = compiled.get(key);
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
    const validate = newAjv(draft).compile(schema);
    compiled.set(key, validate);
    return { ok: true, validate };
  } catch (err) {
    return {
      ok: false,
      message: `not a valid ${DRAFT_NAMES[draft]} JSON Schema: ${(err as Error).message}`,
    };
  }
}

/** Drops compiled schemas no running config uses (keys from `schemaKey`; bounded memory across config changes). */
export function retainSchemas(keys: ReadonlySet<string>): void {
  for (const k of compiled.keys()) if (!keys.has(k)) compiled.delete(k);
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
