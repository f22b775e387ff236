/**
 * The document schema with a fast path for plain routes (large documents are mostly plain
 * routes). Each route is checked on its own: a plain route (`isPlainRoute`: the common fields with
 * valid values, the matcher values checked by the route rules of routes.ts, `plainRouteMatchersValid`)
 * is taken as it is; any other route
 * goes through the route schema (schema.ts) at the same place, so a document with a few routes
 * carrying plugins or headers among 100,000 plain ones does not run the plain ones through zod.
 * The issues (paths, messages and order) and the output are exactly the full schema's:
 * a plain route is one the route schema accepts (test/fast-path.property.test.ts).
 */
import { z } from "zod";
import { compileRouteMatchers } from "./routes.js";
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
const anyString = (): boolean => true;
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
 * upper-cased methods) once `plainRouteMatchersValid` accepted its methods, hosts and paths: the
 * common fields with valid values. Anything else (headers, plugins,
 * a service reference object, an unknown field, any doubtful value) answers false and the
 * route goes through the route schema, so the errors reported never depend on this check.
 */
function isPlainRoute(r: unknown, nested: boolean): r is Raw {
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
      case "hosts":
      case "paths":
        // lists of strings here; their values are checked below, by the route rules
        if (!everyString(v, anyString)) return false;
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

/**
 * The route rules (routes.ts, as the schema applies them) on the matcher values of a route
 * `isPlainRoute` accepted: false when any value is refused (or it matches on nothing: the schema
 * accepts that and the cross-checks refuse it, so it is simply left to the schema).
 */
function plainRouteMatchersValid(r: Raw): boolean {
  let refused = false;
  compileRouteMatchers(r as RouteMatcherInput, () => {
    refused = true;
  });
  return !refused;
}
type RouteMatcherInput = Parameters<typeof compileRouteMatchers>[0];

/** What the route schema outputs for a plain valid route: itself, methods upper-cased. */
function plainRouteOutput(r: Raw): Raw {
  if (!Array.isArray(r.methods)) return r;
  return { ...r, methods: (r.methods as string[]).map((m) => m.toUpperCase()) };
}

/**
 * A route list: plain routes as they are, the others through
 * `schema`, whose issues are handed on with the route's index in front of their paths, as
 * `z.array(schema)` reports them. One transform for the whole list: no zod work per plain route.
 */
const routeList = (schema: z.ZodType, nested: boolean) => {
  const list = z.array(schema);
  return z
    .unknown()
    .transform((routes, ctx) => {
      // pushed as they are: addIssue would fill an absent `input` (a missing field's "is required")
      const hand = (issues: z.core.$ZodIssue[], index?: number): void => {
        for (const issue of issues) {
          if (index !== undefined) issue.path.unshift(index);
          ctx.issues.push(issue as (typeof ctx.issues)[number]);
        }
      };
      if (!Array.isArray(routes)) {
        const parsed = list.safeParse(routes, { reportInput: true });
        if (!parsed.success) hand(parsed.error.issues);
        return parsed.success ? parsed.data : routes;
      }
      const out: unknown[] = new Array(routes.length);
      for (let i = 0; i < routes.length; i++) {
        const route: unknown = routes[i];
        if (isPlainRoute(route, nested) && plainRouteMatchersValid(route)) {
          out[i] = plainRouteOutput(route);
          continue;
        }
        const parsed = schema.safeParse(route, { reportInput: true });
        if (parsed.success) out[i] = parsed.data;
        else hand(parsed.error.issues, i);
      }
      return out;
    })
    .optional();
};

const serviceSchemaFastRoutes = z.strictObject({
  ...serviceSchema.shape,
  routes: routeList(nestedRouteSchema, true),
});

/** `documentSchema` with plain routes checked by hand: the same issues and the same output. */
export const documentSchemaFastRoutes = z.strictObject({
  ...documentSchema.shape,
  services: z.array(serviceSchemaFastRoutes).optional(),
  routes: routeList(topRouteSchema, false),
});
