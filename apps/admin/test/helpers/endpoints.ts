// Every route handler under src/app/api/v1, found by walking the source.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { adminDir } from "./admin.js";

const apiRoot = join(adminDir, "src/app/api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export interface Endpoint {
  method: string;
  /** with dynamic segments as `[name]` */
  route: string;
}

/** Every exported HTTP method of every route.ts under src/app/api/v1. */
export function endpoints(): Endpoint[] {
  const out: Endpoint[] = [];
  for (const file of walk(apiRoot).filter((f) => f.endsWith(`${sep}route.ts`))) {
    const source = readFileSync(file, "utf8");
    const exported = new Set<string>();
    for (const m of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g))
      exported.add(m[1] as string);
    for (const m of source.matchAll(/export const \{([^}]+)\}/g)) {
      for (const name of (m[1] as string).split(",")) exported.add(name.trim());
    }
    for (const m of source.matchAll(/export (?:async )?function (GET|POST|PUT|PATCH|DELETE)\b/g)) {
      exported.add(m[1] as string);
    }
    const segments = relative(apiRoot, file).split(sep).slice(0, -1);
    // the catch-all ([...path]) answers unknown paths with a JSON 404: not an endpoint
    if (segments.some((s) => s.startsWith("[..."))) continue;
    const route = "/api/v1/" + segments.join("/");
    for (const method of METHODS) if (exported.has(method)) out.push({ method, route });
  }
  return out;
}

/** A concrete path for a route: every dynamic segment replaced by `x`. */
export const concrete = (route: string) => route.replace(/\[[^\]]+\]/g, "x");
