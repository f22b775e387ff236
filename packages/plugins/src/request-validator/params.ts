/**
 * OpenAPI 3 parameter deserialization (style + explode), as Kong's request-validator does before
 * validating a query or header parameter against its schema's top-level type.
 */
export type Style =
  "form" | "simple" | "label" | "matrix" | "spaceDelimited" | "pipeDelimited" | "deepObject";

export interface ParamSpec {
  name: string;
  type: string | undefined;
  style: Style;
  explode: boolean;
}

const DELIMS: Partial<Record<Style, string>> = {
  form: ",",
  simple: ",",
  spaceDelimited: " ",
  pipeDelimited: "|",
};

/** A primitive from its text, by the schema's type (left a string when it does not parse). */
export function primitive(text: string, type: string | undefined): unknown {
  if (type === "integer" || type === "number") {
    const n = Number(text);
    return text.trim() === "" || Number.isNaN(n) ? text : n;
  }
  if (type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  if (type === "null" && text === "") return null;
  return text;
}

function pairsToObject(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[list[i] as string] = list[i + 1] as string;
  return out;
}

/**
 * A query parameter's value. `query` is every argument (repeated keys as arrays); for an exploded
 * form object the parameter is made of the other arguments, for deepObject of `name[key]` arguments.
 * undefined = absent.
 */
export function queryValue(spec: ParamSpec, query: Record<string, string | string[]>): unknown {
  const raw = query[spec.name];
  if (spec.type === "object") {
    if (spec.style === "deepObject") {
      const out: Record<string, string> = {};
      const prefix = `${spec.name}[`;
      for (const [k, v] of Object.entries(query)) {
        if (k.startsWith(prefix) && k.endsWith("]"))
          out[k.slice(prefix.length, -1)] = Array.isArray(v) ? (v[0] as string) : v;
      }
      return Object.keys(out).length > 0 ? out : undefined;
    }
    if (spec.explode) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(query)) out[k] = Array.isArray(v) ? (v[0] as string) : v;
      return Object.keys(out).length > 0 ? out : undefined;
    }
    if (raw === undefined) return undefined;
    return pairsToObject(first(raw).split(DELIMS[spec.style] ?? ","));
  }
  if (raw === undefined) return undefined;
  if (spec.type === "array") {
    if (spec.explode && spec.style === "form") return Array.isArray(raw) ? raw : [raw];
    return first(raw).split(DELIMS[spec.style] ?? ",");
  }
  return first(raw);
}

/** A header parameter's value (style simple: "a,b" arrays, "k,v" or exploded "k=v" objects). */
export function headerValue(spec: ParamSpec, raw: string | string[] | undefined): unknown {
  if (raw === undefined) return undefined;
  const text = Array.isArray(raw) ? raw.join(",") : raw;
  if (spec.type === "array") return text.split(",").map((s) => s.trim());
  if (spec.type === "object") {
    const parts = text.split(",").map((s) => s.trim());
    if (!spec.explode) return pairsToObject(parts);
    const out: Record<string, string> = {};
    for (const p of parts) {
      const i = p.indexOf("=");
      if (i > 0) out[p.slice(0, i)] = p.slice(i + 1);
    }
    return out;
  }
  return text;
}

/**
 * A path parameter's value: the route's named regex group `name` (Kong reads
 * kong.request.get_uri_captures().named), deserialized by style simple (`a,b`), label (`.a.b` or
 * `.a,b`) or matrix (`;name=a,b` or `;name=a;name=b`). undefined = no such group, or it took no part.
 */
export function pathValue(spec: ParamSpec, raw: string | false | undefined): unknown {
  if (raw === undefined || raw === false) return undefined;
  let text = raw;
  let delim = ",";
  if (spec.style === "label") {
    if (text.startsWith(".")) text = text.slice(1);
    if (spec.explode) delim = ".";
  } else if (spec.style === "matrix") {
    const prefix = `;${spec.name}=`;
    if (spec.explode && spec.type === "array") {
      return text
        .split(";")
        .filter((s) => s.startsWith(`${spec.name}=`))
        .map((s) => s.slice(spec.name.length + 1));
    }
    if (spec.explode && spec.type === "object") {
      const out: Record<string, string> = {};
      for (const part of text.split(";")) {
        const i = part.indexOf("=");
        if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
      }
      return out;
    }
    if (text.startsWith(prefix)) text = text.slice(prefix.length);
  }
  if (spec.type === "array") return text.split(delim);
  if (spec.type === "object") {
    const parts = text.split(delim);
    if (!spec.explode) return pairsToObject(parts);
    const out: Record<string, string> = {};
    for (const p of parts) {
      const i = p.indexOf("=");
      if (i > 0) out[p.slice(0, i)] = p.slice(i + 1);
    }
    return out;
  }
  return text;
}

function first(v: string | string[]): string {
  return Array.isArray(v) ? (v[0] ?? "") : v;
}

/** Items of arrays and properties of objects typed by the schema, as the validator expects them. */
export function typed(value: unknown, schema: Record<string, unknown>): unknown {
  const type = typeof schema.type === "string" ? schema.type : undefined;
  if (typeof value === "string") return primitive(value, type);
  if (Array.isArray(value)) {
    const items = (schema.items ?? {}) as Record<string, unknown>;
    return value.map((v) => typed(v, items));
  }
  if (value !== null && typeof value === "object") {
    const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = typed(v, props[k] ?? {});
    return out;
  }
  return value;
}
