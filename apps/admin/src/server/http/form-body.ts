import "server-only";
import { ApiError } from "@/server/http/errors";

type Json = Record<string, unknown>;

/**
 * Kong's `application/x-www-form-urlencoded` keys as a nested object of strings:
 * `config.minute=5` → `{ config: { minute: "5" } }`; arrays as `paths[]=/a&paths[]=/b`,
 * `paths[1]=/a&paths[2]=/b` (ordered by index) or a repeated key `paths=/a&paths=/b`.
 */
export function formToObject(text: string): Json {
  const root: Json = {};
  const indexed = new Map<unknown[], { index: number; value: unknown }[]>();
  const params = new URLSearchParams(text);
  for (const [rawKey, value] of params) {
    const match = /^([^[\]]+)(?:\[(\d*)\])?$/.exec(rawKey);
    if (!match) {
      throw new ApiError("validation", "the request is invalid", {
        errors: [{ path: rawKey, message: "is not a form key this API understands" }],
      });
    }
    const [, dotted, index] = match as unknown as [string, string, string | undefined];
    const parts = dotted.split(".");
    if (parts.some((p) => p === "")) {
      throw new ApiError("validation", "the request is invalid", {
        errors: [{ path: rawKey, message: "has an empty name part" }],
      });
    }
    let node = root;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (next === undefined) node = node[part] = {} as Json;
      else if (typeof next === "object" && next !== null && !Array.isArray(next))
        node = next as Json;
      else {
        throw new ApiError("validation", "the request is invalid", {
          errors: [
            { path: parts.join("."), message: `${part} is given both as a value and as an object` },
          ],
        });
      }
    }
    const leaf = parts[parts.length - 1] as string;
    const existing = node[leaf];
    if (index === undefined && existing === undefined) {
      node[leaf] = value;
      continue;
    }
    // repeated keys and `[]` / `[n]` forms: an array
    const list: unknown[] = Array.isArray(existing)
      ? existing
      : existing === undefined
        ? []
        : [existing];
    node[leaf] = list;
    if (index) {
      const entries = indexed.get(list) ?? [];
      entries.push({ index: Number(index), value });
      indexed.set(list, entries);
    } else list.push(value);
  }
  for (const [list, entries] of indexed) {
    entries.sort((a, b) => a.index - b.index);
    list.push(...entries.map((e) => e.value));
  }
  return root;
}

type Schema = Json & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

function typesOf(schema: Schema, resolve: (ref: string) => Schema | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (s: Schema | undefined, depth: number) => {
    if (!s || depth > 8) return;
    if (s.$ref) visit(resolve(s.$ref), depth + 1);
    if (typeof s.type === "string") out.add(s.type);
    if (Array.isArray(s.type)) for (const t of s.type) out.add(t);
    if ("const" in s && s.const === null) out.add("null");
    for (const branch of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])])
      visit(branch, depth + 1);
  };
  visit(schema, 0);
  return out;
}

/** The branch of a schema (through $ref / anyOf / oneOf) that describes `kind` values. */
function branchFor(
  schema: Schema,
  kind: "object" | "array",
  resolve: (ref: string) => Schema | undefined,
  depth = 0,
): Schema | undefined {
  if (depth > 8) return undefined;
  if (schema.$ref) {
    const target = resolve(schema.$ref);
    return target ? branchFor(target, kind, resolve, depth + 1) : undefined;
  }
  if (schema.type === kind || (Array.isArray(schema.type) && schema.type.includes(kind)))
    return schema;
  if (kind === "object" && schema.properties) return schema;
  for (const branch of [
    ...(schema.anyOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.allOf ?? []),
  ]) {
    const found = branchFor(branch, kind, resolve, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Form values are strings; the JSON Schema of the target says what they mean (as Kong does with
 * its schemas): numbers, booleans, `""` for null, one value for a one-element array. Values the
 * schema does not describe stay strings (validation then names the field).
 */
export function coerceFormValue(
  value: unknown,
  schema: Schema | undefined,
  resolve: (ref: string) => Schema | undefined,
): unknown {
  if (!schema) return value;
  if (typeof value === "string") {
    const types = typesOf(schema, resolve);
    if (types.has("array")) {
      const arraySchema = branchFor(schema, "array", resolve);
      if (value === "" && !types.has("string")) return types.has("null") ? null : [];
      if (!types.has("string")) return [coerceFormValue(value, arraySchema?.items, resolve)];
    }
    if (value === "" && types.has("null") && !types.has("string")) return null;
    if ((types.has("integer") || types.has("number")) && /^-?\d+(\.\d+)?$/.test(value))
      return Number(value);
    if (types.has("boolean") && (value === "true" || value === "false")) return value === "true";
    return value;
  }
  if (Array.isArray(value)) {
    const arraySchema = branchFor(schema, "array", resolve);
    return value.map((v) => coerceFormValue(v, arraySchema?.items, resolve));
  }
  if (value !== null && typeof value === "object") {
    const objectSchema = branchFor(schema, "object", resolve);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const extra = objectSchema?.additionalProperties;
        const fieldSchema =
          objectSchema?.properties?.[k] ?? (typeof extra === "object" ? extra : undefined);
        return [k, coerceFormValue(v, fieldSchema, resolve)];
      }),
    );
  }
  return value;
}
