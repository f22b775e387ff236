/**
 * Adapter between the gateway and the router. INTERIM: until apps/gateway/src/router (the
 * "router" helper's compiled trie) lands, this file carries a small correct-but-linear matcher
 * with the same contract, so the data plane works end to end. Swap the bodies of
 * `compileRoutes` / `normalizeRequestPath` for the router's API; callers don't change.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { NormalizedRoute, NormalizedService } from "@gatehouse/config";

export interface RoutableEntry {
  route: NormalizedRoute;
  service: NormalizedService | null;
}

export interface RouteMatch<T> {
  entry: T;
  /** the path to send upstream (strip_path and service path applied), without query */
  upstreamPath: string;
}

export interface CompiledRouter<T> {
  match(
    method: string,
    host: string,
    path: string,
    headers: IncomingHttpHeaders,
  ): RouteMatch<T> | undefined;
}

export type NormalizeResult = { ok: true; path: string } | { ok: false; reason: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** Percent-decode unreserved characters, refuse encoded "/", "\" and NUL, resolve dot segments, merge "//". */
export function normalizeRequestPath(raw: string): NormalizeResult {
  if (raw === "" || raw[0] !== "/")
    return { ok: false, reason: "the request path must start with /" };
  let decoded = raw;
  if (raw.includes("%")) {
    let out = "";
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i] as string;
      if (c !== "%") {
        out += c;
        continue;
      }
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex))
        return { ok: false, reason: "invalid percent-encoding in the path" };
      const code = parseInt(hex, 16);
      if (code === 0x2f || code === 0x5c || code === 0) {
        return { ok: false, reason: "encoded '/', '\\' or NUL in the path" };
      }
      const ch = String.fromCharCode(code);
      out += UNRESERVED.test(ch) ? ch : `%${hex.toUpperCase()}`;
      i += 2;
    }
    decoded = out;
  }
  if (decoded.includes("\\")) return { ok: false, reason: "'\\' in the path" };
  if (!decoded.includes("//") && !decoded.includes("/.")) return { ok: true, path: decoded };
  const segs: string[] = [];
  const parts = decoded.split("/");
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i] as string;
    const last = i === parts.length - 1;
    if (p === "" && !last) continue;
    if (p === ".") {
      if (last) segs.push("");
      continue;
    }
    if (p === "..") {
      if (segs.length === 0) return { ok: false, reason: "'..' escapes the root of the path" };
      segs.pop();
      if (last) segs.push("");
      continue;
    }
    segs.push(p);
  }
  return { ok: true, path: `/${segs.join("/")}` };
}

function joinServicePath(servicePath: string | null, rest: string): string {
  if (servicePath === null || servicePath === "")
    return rest === "" ? "/" : rest[0] === "/" ? rest : `/${rest}`;
  if (rest === "" || rest === "/")
    return rest === "/" && !servicePath.endsWith("/") ? `${servicePath}/` : servicePath;
  if (servicePath.endsWith("/"))
    return rest[0] === "/" ? servicePath + rest.slice(1) : servicePath + rest;
  return rest[0] === "/" ? servicePath + rest : `${servicePath}/${rest}`;
}

interface Candidate<T> {
  entry: T;
  kind: "regex" | "prefix" | "none";
  regex?: RegExp;
  prefix?: string;
  priority: number;
  hosts: { exact: Set<string>; suffixes: string[]; prefixes: string[] } | null;
  methods: Set<string> | null;
  headers: [string, Set<string>][] | null;
  order: number;
}

function hostOf(host: string): string {
  const h = host.toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  const i = h.indexOf(":");
  return i < 0 ? h : h.slice(0, i);
}

export function compileRoutes<T extends RoutableEntry>(entries: readonly T[]): CompiledRouter<T> {
  const cands: Candidate<T>[] = [];
  entries.forEach((entry, order) => {
    const r = entry.route;
    const hosts = r.hosts
      ? {
          exact: new Set(r.hosts.filter((h) => !h.includes("*")).map(hostOf)),
          suffixes: r.hosts.filter((h) => h.startsWith("*.")).map((h) => hostOf(h).slice(1)),
          prefixes: r.hosts
            .filter((h) => h.endsWith(".*"))
            .map((h) => h.slice(0, -1).toLowerCase()),
        }
      : null;
    const methods = r.methods ? new Set(r.methods) : null;
    const headers = r.headers
      ? Object.entries(r.headers).map(
          ([k, v]) => [k, new Set(v.map((x) => x.toLowerCase()))] as [string, Set<string>],
        )
      : null;
    const base = { entry, hosts, methods, headers, order };
    if (!r.paths) cands.push({ ...base, kind: "none", priority: 0 });
    else
      for (const p of r.paths) {
        if (p.startsWith("~"))
          cands.push({
            ...base,
            kind: "regex",
            regex: new RegExp(`^${p.slice(1)}`),
            priority: r.regexPriority,
          });
        else cands.push({ ...base, kind: "prefix", prefix: p, priority: p.length });
      }
  });
  const weight = (c: Candidate<T>): number =>
    (c.hosts ? 4 : 0) + (c.headers ? 2 : 0) + (c.methods ? 1 : 0);
  cands.sort((a, b) => {
    const ka = a.kind === "regex" ? 0 : a.kind === "prefix" ? 1 : 2;
    const kb = b.kind === "regex" ? 0 : b.kind === "prefix" ? 1 : 2;
    return ka - kb || b.priority - a.priority || weight(b) - weight(a) || a.order - b.order;
  });
  return {
    match(method, host, path, headers) {
      const h = hostOf(host);
      for (const c of cands) {
        if (c.methods && !c.methods.has(method)) continue;
        if (
          c.hosts &&
          !c.hosts.exact.has(h) &&
          !c.hosts.suffixes.some((s) => h.endsWith(s)) &&
          !c.hosts.prefixes.some((p) => h.startsWith(p))
        ) {
          continue;
        }
        if (c.headers) {
          let ok = true;
          for (const [name, values] of c.headers) {
            const v = headers[name];
            const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
            if (!list.some((x) => values.has(x.toLowerCase()))) {
              ok = false;
              break;
            }
          }
          if (!ok) continue;
        }
        let rest = path;
        if (c.kind === "prefix") {
          const p = c.prefix as string;
          if (!path.startsWith(p)) continue;
          rest = path.slice(p.length);
        } else if (c.kind === "regex") {
          const m = (c.regex as RegExp).exec(path);
          if (!m) continue;
          rest = path.slice(m[0].length);
        }
        const r = c.entry.route;
        const stripped = r.stripPath && c.kind !== "none" ? rest : path;
        return {
          entry: c.entry,
          upstreamPath: joinServicePath(c.entry.service?.path ?? null, stripped),
        };
      }
      return undefined;
    },
  };
}
