import type { Kit, UriCaptures } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { isHeaderValue } from "../shared/fields.js";
import { readme } from "../shared/readme.js";
import type { RequestTransformerConfig, TemplatePart } from "./schema.js";
import { hasTemplate, parseTemplate, requestTransformerSchema, splitPair } from "./schema.js";

export const ERR_MULTIPART =
  "request-transformer cannot transform multipart/form-data bodies (only JSON and form-urlencoded)";

type Value = string | string[];
type Args = Record<string, unknown>;

/** The client request the templates read (as it arrived, before any change by this plugin). */
interface TemplateEnv {
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  /** a route regex group by name or position (1 = the first group) */
  capture(name: string | number): string | undefined;
}

const compiled = new Map<string, TemplatePart[]>();

function render(value: string, env: TemplateEnv): string {
  if (!hasTemplate(value)) return value;
  let parts = compiled.get(value);
  if (!parts) {
    const t = parseTemplate(value);
    parts = typeof t === "string" ? [value] : t; // validated by the schema
    if (compiled.size < 10_000) compiled.set(value, parts);
  }
  let out = "";
  for (const p of parts) {
    if (typeof p === "string") out += p;
    else {
      const v =
        p.source === "uri_captures"
          ? env.capture(p.name)
          : p.source === "headers"
            ? env.header(String(p.name))
            : env.query(String(p.name));
      out += v ?? p.fallback ?? "";
    }
  }
  return out;
}

function pairs(entries: readonly string[], env: TemplateEnv): [string, string][] {
  const out: [string, string][] = [];
  for (const e of entries) {
    const p = splitPair(e);
    if (p) out.push([p[0], render(p[1], env)]);
  }
  return out;
}

/** Kong's append_value */
function appendValue(current: unknown, value: string): unknown {
  if (typeof current === "string") return [current, value];
  if (Array.isArray(current)) return [...(current as unknown[]), value];
  return [value];
}

class TemplateValueError extends Error {}

function headerValue(name: string, value: string): string {
  if (!isHeaderValue(value)) {
    throw new TemplateValueError(
      `request-transformer: the value for header '${name}' contains control characters`,
    );
  }
  return value;
}

function transformHeaders(kit: Kit, c: RequestTransformerConfig, env: TemplateEnv): void {
  const req = kit.request;
  for (const name of c.remove.headers) req.clearHeader(name);
  for (const entry of c.rename.headers) {
    const p = splitPair(entry);
    if (!p) continue;
    const [from, to] = p;
    const values = req.getHeaders(1000).headers[from.toLowerCase()];
    if (values === undefined) continue;
    req.clearHeader(from);
    req.setHeaders({ [to]: values });
  }
  for (const [name, value] of pairs(c.replace.headers, env)) {
    if (req.getHeader(name) !== undefined || name.toLowerCase() === "host")
      req.setHeader(name, headerValue(name, value));
  }
  for (const [name, value] of pairs(c.add.headers, env)) {
    if (req.getHeader(name) === undefined && name.toLowerCase() !== "host")
      req.setHeader(name, headerValue(name, value));
  }
  for (const [name, value] of pairs(c.append.headers, env)) {
    if (name.toLowerCase() === "host") continue; // a second Host header would be refused upstream
    req.addHeader(name, headerValue(name, value));
  }
}

function has(o: Args, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** remove → rename → replace → add → append over parsed args (body or querystring); true when changed */
function transformArgs(
  args: Args,
  ops: {
    remove: readonly string[];
    rename: readonly string[];
    replace: readonly string[];
    add: readonly string[];
    append: readonly string[];
  },
  env: TemplateEnv,
  existing: boolean,
): boolean {
  let changed = false;
  if (existing) {
    for (const name of ops.remove) {
      if (has(args, name)) delete args[name];
      changed = true;
    }
    for (const [from, to] of pairs(ops.rename, env)) {
      if (has(args, from)) {
        const v = args[from];
        delete args[from];
        args[to] = v;
      }
      changed = true;
    }
    for (const [name, value] of pairs(ops.replace, env)) {
      if (has(args, name)) {
        args[name] = value;
        changed = true;
      }
    }
  }
  for (const [name, value] of pairs(ops.add, env)) {
    if (!has(args, name)) {
      args[name] = value;
      changed = true;
    }
  }
  for (const [name, value] of pairs(ops.append, env)) {
    args[name] = appendValue(args[name], value);
    changed = true;
  }
  return changed;
}

function parseForm(raw: string): Args {
  const out: Args = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = has(out, k) ? appendValue(out[k], v) : v;
  return out;
}

function encodeForm(args: Args): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(args)) {
    if (Array.isArray(v)) for (const x of v) sp.append(k, String(x));
    else if (v !== undefined && v !== null) sp.append(k, String(v));
  }
  return sp.toString();
}

function mediaType(kit: Kit): string | undefined {
  const ct = kit.request.getHeader("content-type");
  return ct?.split(";")[0]?.trim().toLowerCase();
}

function bodyOps(c: RequestTransformerConfig) {
  return {
    remove: c.remove.body,
    rename: c.rename.body,
    replace: c.replace.body,
    add: c.add.body,
    append: c.append.body,
  };
}

/** false when the request was refused (multipart) */
async function transformBody(
  kit: Kit,
  c: RequestTransformerConfig,
  env: TemplateEnv,
): Promise<boolean> {
  const ops = bodyOps(c);
  const count =
    ops.remove.length + ops.rename.length + ops.replace.length + ops.add.length + ops.append.length;
  const type = mediaType(kit);
  if (count === 0 || type === undefined) return true;
  if (type === "multipart/form-data") {
    kit.response.error(415, ERR_MULTIPART);
    return false;
  }
  const isJson = type === "application/json" || type.endsWith("+json");
  if (!isJson && type !== "application/x-www-form-urlencoded") return true;
  const raw = await kit.request.getRawBody();
  let args: Args;
  if (isJson) {
    if (raw.length === 0) args = {};
    else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString("utf8"));
      } catch {
        return true; // not JSON: forwarded untouched (Kong)
      }
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return true;
      args = parsed as Args;
    }
  } else args = parseForm(raw.toString("utf8"));
  if (transformArgs(args, ops, env, raw.length > 0))
    kit.request.setRawBody(isJson ? JSON.stringify(args) : encodeForm(args));
  return true;
}

function transformQuery(kit: Kit, c: RequestTransformerConfig, env: TemplateEnv): void {
  const ops = {
    remove: c.remove.querystring,
    rename: c.rename.querystring,
    replace: c.replace.querystring,
    add: c.add.querystring,
    append: c.append.querystring,
  };
  if (
    ops.remove.length +
      ops.rename.length +
      ops.replace.length +
      ops.add.length +
      ops.append.length ===
    0
  )
    return;
  const args: Args = { ...kit.request.getQuery() };
  transformArgs(args, ops, env, true);
  kit.request.setQuery(args as Record<string, string | string[]>);
}

/** Kong: turning a form POST into GET/HEAD/TRACE moves the form arguments into the querystring. */
async function transformMethod(kit: Kit, c: RequestTransformerConfig): Promise<void> {
  const method = c.http_method;
  if (method == null) return;
  kit.request.setMethod(method);
  if (method !== "GET" && method !== "HEAD" && method !== "TRACE") return;
  if (mediaType(kit) !== "application/x-www-form-urlencoded") return;
  const form = parseForm((await kit.request.getRawBody()).toString("utf8"));
  if (Object.keys(form).length === 0) return;
  const query: Args = { ...kit.request.getQuery() };
  for (const [k, v] of Object.entries(form)) {
    const values = Array.isArray(v) ? (v as string[]) : [v as string];
    for (const x of values) query[k] = has(query, k) ? appendValue(query[k], x) : x;
  }
  kit.request.setQuery(query as Record<string, Value>);
}

async function access(kit: Kit, c: RequestTransformerConfig): Promise<void> {
  const req = kit.request;
  const originalQuery = req.getQuery();
  const originalHeaders = req.getHeaders(1000).headers;
  let captures: UriCaptures | undefined;
  const env: TemplateEnv = {
    header: (name) => {
      const v = originalHeaders[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    },
    query: (name) => {
      const v = originalQuery[name];
      return Array.isArray(v) ? v[0] : v;
    },
    capture: (name) => {
      captures ??= req.getUriCaptures();
      const v = typeof name === "number" ? captures.unnamed[name - 1] : captures.named[name];
      return typeof v === "string" ? v : undefined;
    },
  };
  try {
    // Kong's order: uri, method, headers, body, querystring
    if (c.replace.uri != null) {
      const path = render(c.replace.uri, env);
      req.setPath(path.startsWith("/") ? path : `/${path}`);
    }
    await transformMethod(kit, c);
    transformHeaders(kit, c, env);
    if (!(await transformBody(kit, c, env))) return;
    transformQuery(kit, c, env);
  } catch (err) {
    if (err instanceof TemplateValueError) {
      kit.response.error(400, err.message);
      return;
    }
    throw err;
  }
}

export const requestTransformer = definePlugin({
  name: "request-transformer",
  version: "1.0.0",
  priority: 801,
  configSchema: requestTransformerSchema,
  phases: { access },
  meta: {
    title: "Request Transformer",
    category: "transformation",
    summary:
      "Removes, renames, replaces, adds and appends request headers, query arguments and body keys; rewrites the path and method.",
    icon: "shuffle",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
