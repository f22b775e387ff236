import { setTimeout as sleep } from "node:timers/promises";
import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { readme } from "../shared/readme.js";
import type { MockConfig, MockRule } from "./schema.js";
import { mockSchema } from "./schema.js";

export const NO_MATCH = "No mock matches this request";

const compiled = new WeakMap<MockRule, RegExp>();

/** Pattern → RegExp: {param} = one segment, * = within a segment, ** = anything. */
export function compilePattern(pattern: string, prefix: boolean): RegExp {
  let src = "";
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i] as string;
    if (c === "{") {
      const end = pattern.indexOf("}", i);
      src += `(?<${pattern.slice(i + 1, end)}>[^/]+)`;
      i = end + 1;
    } else if (c === "*" && pattern[i + 1] === "*") {
      src += ".*";
      i += 2;
    } else if (c === "*") {
      src += "[^/]*";
      i++;
    } else {
      src += c.replace(/[.+?^$()|[\]\\]/g, "\\$&");
      i++;
    }
  }
  if (prefix) return new RegExp(`^${src.endsWith("/") ? src : `${src}(?:/|$)`}`);
  return new RegExp(`^${src}$`);
}

function regexOf(rule: MockRule): RegExp {
  let re = compiled.get(rule);
  if (!re) {
    re = compilePattern(rule.path, rule.match === "prefix");
    compiled.set(rule, re);
  }
  return re;
}

function substitute(value: unknown, params: Record<string, string>): unknown {
  if (typeof value === "string")
    return value.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, n: string) => params[n] ?? m);
  if (Array.isArray(value)) return value.map((v) => substitute(v, params));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(v, params);
    return out;
  }
  return value;
}

async function access(kit: Kit, conf: MockConfig): Promise<void> {
  const method = kit.request.getMethod();
  const path = kit.request.getPath();
  for (const rule of conf.rules) {
    if (rule.methods && !rule.methods.includes(method)) continue;
    const m = regexOf(rule).exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        params[k] = v;
      }
    }
    if (rule.delay > 0) await sleep(rule.delay);
    const headers: Record<string, string> = { ...rule.headers };
    const hasType = Object.keys(headers).some((h) => h.toLowerCase() === "content-type");
    const body = substitute(rule.body, params);
    if (typeof body === "string") {
      if (!hasType) headers["Content-Type"] = "text/plain; charset=utf-8";
      kit.response.exit(rule.status, body, headers);
    } else if (body === undefined) {
      kit.response.exit(rule.status, undefined, headers);
    } else {
      // JSON: null, numbers, booleans, objects, arrays
      if (!hasType) headers["Content-Type"] = "application/json; charset=utf-8";
      kit.response.exit(rule.status, JSON.stringify(body), headers);
    }
    return;
  }
  if (!conf.fallthrough) kit.response.exit(404, { message: NO_MATCH });
}

export const mock = definePlugin({
  name: "mock",
  version: "1.0.0",
  priority: -1,
  configSchema: mockSchema,
  phases: { access },
  meta: {
    title: "Mock",
    category: "utilities",
    summary:
      "Answers requests with static mock responses per method and path pattern, without an upstream.",
    icon: "drama",
    scopes: ["global", "service", "route", "consumer"],
    readme: readme(new URL("./README.md", import.meta.url)),
  },
});
