import "server-only";
import { formatPath } from "@gatehouse/config";
import { ApiError } from "@/server/http/errors";
import type { FieldError } from "@/server/http/errors";

/** PostgreSQL refuses U+0000 in text and jsonb: no input carrying one gets past validation. */
const NUL_MESSAGE = "must not contain NUL characters (\\u0000)";

/**
 * Deepest nesting of objects and arrays a body or document may have. The deepest real input (a
 * declarative document: consumers → plugins → config → nested config objects) is about 10 levels;
 * far deeper input would only overflow the stack of every recursive step after this one.
 */
export const MAX_JSON_DEPTH = 64;

/** Reported paths per request at most (a body of a million NULs gets a short answer). */
const MAX_REPORTED = 20;

/**
 * The problems of a parsed JSON/YAML value no schema catches: strings or object keys holding a NUL,
 * nesting deeper than MAX_JSON_DEPTH. Walked with an explicit stack (never recursion: the value
 * may be nested a million levels deep).
 */
export function hostileJsonErrors(value: unknown): FieldError[] {
  interface Frame {
    node: unknown;
    key: PropertyKey | null;
    parent: Frame | null;
    depth: number;
  }
  const pathOf = (frame: Frame, extra?: PropertyKey): string => {
    const keys: PropertyKey[] = extra === undefined ? [] : [extra];
    for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) keys.unshift(f.key);
    return formatPath(keys);
  };
  const out: FieldError[] = [];
  const stack: Frame[] = [{ node: value, key: null, parent: null, depth: 0 }];
  while (stack.length > 0 && out.length < MAX_REPORTED) {
    const frame = stack.pop() as Frame;
    const { node } = frame;
    if (typeof node === "string") {
      if (node.includes("\0")) out.push({ path: pathOf(frame), message: NUL_MESSAGE });
      continue;
    }
    if (typeof node !== "object" || node === null) continue;
    if (frame.depth >= MAX_JSON_DEPTH) {
      out.push({
        path: pathOf(frame),
        message: `is nested too deeply (at most ${MAX_JSON_DEPTH} levels of objects and arrays)`,
      });
      continue;
    }
    const children: [PropertyKey, unknown][] = Array.isArray(node)
      ? node.map((item, i) => [i, item])
      : Object.entries(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const [key, item] = children[i] as [PropertyKey, unknown];
      if (typeof key === "string" && key.includes("\0")) {
        out.push({ path: pathOf(frame, key), message: `the key ${NUL_MESSAGE}` });
      }
      stack.push({ node: item, key, parent: frame, depth: frame.depth + 1 });
    }
  }
  return out;
}

/** Throws a 400 naming every field of `value` (a parsed body or document) that is refused. */
export function refuseHostileJson(value: unknown): void {
  const errors = hostileJsonErrors(value);
  if (errors.length > 0) throw new ApiError("validation", "the request is invalid", { errors });
}

/**
 * Route parameters and query parameters holding a NUL: 400 naming the parameter (`service`,
 * `name`, ...), before any handler runs a query with them.
 */
export function refuseNulParams(params: unknown, query: URLSearchParams): void {
  const errors: FieldError[] = [];
  if (typeof params === "object" && params !== null) {
    for (const [key, value] of Object.entries(params)) {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === "string" && v.includes("\0")))
        errors.push({ path: key, message: NUL_MESSAGE });
    }
  }
  for (const [key, value] of query) {
    if (key.includes("\0") || value.includes("\0"))
      errors.push({ path: key.replaceAll("\0", "\\u0000"), message: NUL_MESSAGE });
  }
  if (errors.length > 0) throw new ApiError("validation", "the request is invalid", { errors });
}
