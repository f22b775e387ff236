/**
 * The document schema with a fast path for plain routes (large documents are mostly plain
 * routes). Each route is checked on its own: a route `isPlainValidRoute` accepts (the common fields
 * with valid values, checked with the route rules of routes.ts) is taken as it is, any other route
 * goes through the route schema (schema.ts) at the same place, so a document with a few routes
 * carrying plugins or headers among 100,000 plain ones does not run the plain ones through zod.
 * The issues (paths, messages and order) and the output are exactly the full schema's:
 * `isPlainValidRoute` accepts nothing the route schema refuses (test/fast-path.property.test.ts).
 */
import { z } from "zod";
import { routeHost, routeMethod, routePath } from "./routes.js";
import {
  documentSchema,
  MAX_LENGTH,
  NAME_RE,
  nestedRouteSchema,
  serviceSchema,
  TAG_RE,
  topRouteSchema,
} from "./schema.js";

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);

const str128 = (v: unknown): boolean => typeof v === "string" && v.length >= 1 && v.length <= 128;
const bool = (v: unknown): boolean => v === undefined || typeof v === "boolean";
const safeInt = (v: unknown): boolean => typeof v === "number" && Number.isSafeInteger(v);
const everyString = (v: unknown, ok: (s: string) => boolean): boolean => {
  if (!Array.isArray(v)) return false;
  for (const x of v) if (typeof x !== "string" || !ok(x)) return false;
  return true;
};
const isProtocol = (p: string): boolean => p === "http" || p === "https";
const isTag = (t: string): boolean => t.length >= 1 && t.length <= 128 && TAG_RE.test(t);
// the route rules themselves (routes.ts), as the schema applies them
const isPath = (p: string): boolean => routePath(p).ok;
const isMethod = (m: string): boolean => routeMethod(m).ok;
const isHost = (h: string): boolean => routeHost(h).ok;
const REDIRECT_CODES = new Set([426, 301, 302, 307, 308]);
const PLAIN_ROUTE_KEYS = new Set([
  "id",
  "name",
  "protocols",
  "methods",
  "hosts",
  "paths",
  "tags",
  "strip_path",
  "preserve_host",
  "request_buffering",
  "response_buffering",
  "regex_priority",
  "max_body_size",
  "path_handling",
  "https_redirect_status_code",
  "service",
]);

/**
 * True only for a route the route schema certainly accepts and outputs unchanged (but for the
 * upper-cased methods): the common fields with valid values. Anything else (headers, plugins,
 * a service reference object, an unknown field, any doubtful value) answers false and the
 * route goes through the route schema, so the errors reported never depend on this check.
 */
export function isPlainValidRoute(r: unknown, nested: boolean): boolean {
  if (!isObj(r)) return false;
  for (const key in r) {
    const v = r[key];
    if (v === undefined) {
      // an optional field left undefined; an unknown one is refused by the schema either way
      if (!PLAIN_ROUTE_KEYS.has(key) || (nested && key === "service")) return false;
      continue;
    }
    switch (key) {
      case "id":
        if (!str128(v)) return false;
        break;
      case "name":
        if (!str128(v) || !NAME_RE.test(v as string)) return false;
        break;
      case "protocols":
        if (!everyString(v, isProtocol) || (v as unknown[]).length === 0) return false;
        break;
      case "methods":
        if (!everyString(v, isMethod)) return false;
        break;
      case "hosts":
        if (!everyString(v, isHost)) return false;
        break;
      case "paths":
        if (!everyString(v, isPath)) return false;
        break;
      case "tags":
        if (!everyString(v, isTag)) return false;
        break;
      case "strip_path":
      case "preserve_host":
      case "request_buffering":
      case "response_buffering":
        if (!bool(v)) return false;
        break;
      case "regex_priority":
        if (!safeInt(v)) return false;
        break;
      case "max_body_size":
        if (!safeInt(v) || (v as number) < 0) return false;
        break;
      case "path_handling":
        if (v !== "v0" && v !== "v1") return false;
        break;
      case "https_redirect_status_code":
        if (!REDIRECT_CODES.has(v as number)) return false;
        break;
      case "service":
        if (nested || typeof v !== "string" || v.length === 0) return false;
        if (v.length > MAX_LENGTH.identifier) return false;
        break;
      default:
        return false; // headers, plugins, unknown fields: the full schema decides
    }
  }
  return true;
}

/** What the route schema outputs for a plain valid route: itself, methods upper-cased. */
function plainRouteOutput(r: unknown): unknown {
  const route = r as { methods?: unknown };
  if (!Array.isArray(route.methods)) return r;
  return { ...route, methods: (route.methods as string[]).map((m) => m.toUpperCase()) };
}

/**
 * One element of a route list: plain routes as they are, the others through `schema`, whose
 * issues are handed on unchanged (the array puts the element's index in front of their paths,
 * as it does for the schema's own).
 */
const routeElement = (schema: z.ZodType, nested: boolean) =>
  z.unknown().transform((route, ctx) => {
    if (isPlainValidRoute(route, nested)) return plainRouteOutput(route);
    const parsed = schema.safeParse(route, { reportInput: true });
    if (parsed.success) return parsed.data;
    // pushed as they are: addIssue would fill an absent `input` (a missing field's "is required")
    for (const issue of parsed.error.issues) ctx.issues.push(issue as (typeof ctx.issues)[number]);
    return route;
  });

const serviceSchemaFastRoutes = z.strictObject({
  ...serviceSchema.shape,
  routes: z.array(routeElement(nestedRouteSchema, true)).optional(),
});

/** `documentSchema` with plain routes checked by hand: the same issues and the same output. */
export const documentSchemaFastRoutes = z.strictObject({
  ...documentSchema.shape,
  services: z.array(serviceSchemaFastRoutes).optional(),
  routes: z.array(routeElement(topRouteSchema, false)).optional(),
});
