import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { ResponseTransformerConfig } from "./schema.js";
import { responseTransformerSchema, splitPair } from "./schema.js";

function pairs(list: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (const e of list) {
    const p = splitPair(e);
    if (p) out.push(p);
  }
  return out;
}

/** Kong's is_json_body: one of the listed media types is application/json or application/*+json. */
function isJson(kit: Kit): boolean {
  const ct = kit.response.getHeader("content-type");
  if (ct === undefined) return false;
  return ct.split(",").some((part) => {
    const [type, subtype] = (part.split(";")[0] ?? "").trim().toLowerCase().split("/");
    return type === "application" && (subtype === "json" || !!subtype?.endsWith("+json"));
  });
}

function hasJsonTransform(c: ResponseTransformerConfig): boolean {
  return (
    c.remove.json.length +
      c.rename.json.length +
      c.replace.json.length +
      c.add.json.length +
      c.append.json.length >
    0
  );
}

function headerFilter(kit: Kit, c: ResponseTransformerConfig): void {
  const res = kit.response;
  for (const [name] of pairs(c.remove.headers)) res.clearHeader(name);
  for (const [from, to] of pairs(c.rename.headers)) {
    const all = res.getHeaders(1000).headers[from];
    if (all === undefined) continue;
    res.clearHeader(from);
    res.setHeaders({ [to]: all });
  }
  for (const [name, value] of pairs(c.replace.headers)) {
    if (res.getHeader(name) !== undefined) res.setHeader(name, value);
  }
  for (const [name, value] of pairs(c.add.headers)) {
    if (res.getHeader(name) === undefined) res.addHeader(name, value);
  }
  for (const [name, value] of pairs(c.append.headers)) res.addHeader(name, value);
}

function cast(value: string, type: string | undefined): unknown {
  if (type === "number") {
    const n = Number(value);
    return value.trim() === "" || Number.isNaN(n) ? undefined : n;
  }
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : undefined;
  return value;
}

export function transformJson(
  body: Record<string, unknown>,
  c: ResponseTransformerConfig,
): Record<string, unknown> {
  for (const key of c.remove.json) delete body[key];
  for (const [from, to] of pairs(c.rename.json)) {
    if (Object.prototype.hasOwnProperty.call(body, from)) {
      const v = body[from];
      delete body[from];
      body[to] = v;
    }
  }
  pairs(c.replace.json).forEach(([k, v], i) => {
    const value = cast(v, c.replace.json_types[i]);
    if (value !== undefined && Object.prototype.hasOwnProperty.call(body, k)) body[k] = value;
  });
  pairs(c.add.json).forEach(([k, v], i) => {
    const value = cast(v, c.add.json_types[i]);
    if (value !== undefined && !Object.prototype.hasOwnProperty.call(body, k)) body[k] = value;
  });
  pairs(c.append.json).forEach(([k, v], i) => {
    const value = cast(v, c.append.json_types[i]);
    if (value === undefined) return;
    const cur = body[k];
    if (Array.isArray(cur)) cur.push(value);
    else if (typeof cur === "string") body[k] = [cur, value];
    else body[k] = [value];
  });
  return body;
}

function bodyFilter(kit: Kit, c: ResponseTransformerConfig): void {
  if (!hasJsonTransform(c) || !isJson(kit)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(kit.response.getRawBody().toString("utf8"));
  } catch {
    return; // not valid JSON: leave the body alone
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return;
  kit.response.setRawBody(JSON.stringify(transformJson(parsed as Record<string, unknown>, c)));
}

export const responseTransformer = definePlugin({
  name: "response-transformer",
  version: "1.0.0",
  priority: 800,
  configSchema: responseTransformerSchema,
  phases: { header_filter: headerFilter, body_filter: bodyFilter },
  // header-only configs skip body_filter, so the data plane streams the body instead of buffering it
  phasesFor: (c) => (hasJsonTransform(c) ? ["header_filter", "body_filter"] : ["header_filter"]),
  meta: {
    title: "Response Transformer",
    category: "transformation",
    summary: "Removes, renames, replaces, adds and appends response headers and JSON body keys.",
    icon: "replace",
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
