import { z } from "zod";
import { headerName, isHeaderName, isHeaderValue } from "../shared/fields.js";

/** Kong splits "name:value" with ^([^:]+):*(.-)$ */
export function splitPair(entry: string): [name: string, value: string] | undefined {
  const m = /^([^:]+):*([\s\S]*)$/.exec(entry);
  return m ? [m[1] as string, m[2] as string] : undefined;
}

// ---- templates: $(headers.x), $(headers["x"]), $(query_params.y), ... or "default" ----

export type TemplateSource = "headers" | "query_params" | "uri_captures";

/** a literal, or a value read from the request: `name` is a string, or a group position (uri_captures[1]) */
export type TemplatePart =
  string | { source: TemplateSource; name: string | number; fallback: string | undefined };

const EXPR =
  /^\s*(headers|query_params|uri_captures)\s*(?:\.\s*([A-Za-z0-9_-]+)|\[\s*(?:(["'])([^"']*)\3|([0-9]+))\s*\])\s*(?:or\s+(["'])([^"']*)\6\s*)?$/;

/** Parses a value with $(...) templates; a string is the error. */
export function parseTemplate(value: string): TemplatePart[] | string {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf("$(", i);
    if (start < 0) {
      parts.push(value.slice(i));
      break;
    }
    if (start > i) parts.push(value.slice(i, start));
    const end = value.indexOf(")", start + 2);
    if (end < 0) return "unterminated $( in template";
    const expr = value.slice(start + 2, end);
    const m = EXPR.exec(expr);
    if (!m || (m[5] !== undefined && m[1] !== "uri_captures")) {
      return `unsupported template expression '${expr}': only headers, query_params and uri_captures, as <source>.<name> or <source>["<name>"] (uri_captures[<n>] for a group by position), optionally followed by or "<default>", are supported`;
    }
    const source = m[1] as TemplateSource;
    const dotted = m[2];
    parts.push({
      source,
      // Kong: headers.x_custom_header reads X-Custom-Header
      name:
        dotted !== undefined
          ? source === "headers"
            ? dotted.replace(/_/g, "-")
            : dotted
          : m[5] !== undefined
            ? Number(m[5])
            : (m[4] ?? ""),
      fallback: m[7],
    });
    i = end + 1;
  }
  return parts;
}

export function hasTemplate(value: string): boolean {
  return value.includes("$(");
}

function checkValue(value: string, ctx: z.RefinementCtx): void {
  const t = parseTemplate(value);
  if (typeof t === "string") {
    ctx.addIssue({
      code: "custom",
      message: `value '${value}' is not in supported format, error: ${t}`,
    });
  }
}

/** Kong's check_for_value: "name:value" with a non-empty value (templates checked) */
const colonValue = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "") {
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
    return;
  }
  checkValue(p[1], ctx);
});

const colonHeader = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "") {
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
    return;
  }
  if (!isHeaderName(p[0])) {
    ctx.addIssue({ code: "custom", message: `'${p[0]}' is not a valid header` });
    return;
  }
  if (!isHeaderValue(p[1])) {
    ctx.addIssue({
      code: "custom",
      message: `value of '${p[0]}' must not contain CR, LF or other control characters`,
    });
    return;
  }
  checkValue(p[1], ctx);
});

const colonRenameHeader = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "") {
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
    return;
  }
  for (const n of p)
    if (!isHeaderName(n)) ctx.addIssue({ code: "custom", message: `'${n}' is not a valid header` });
});

const colonRename = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "")
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
});

const list = <T extends z.ZodType>(item: T, what: string, example: string[]) =>
  z
    .array(item)
    .default([])
    .describe(what)
    .meta({ examples: [example] });

const valueRecord = (verb: string) =>
  z
    .object({
      body: list(colonValue, `"key:value" pairs of the body to ${verb}`, ["source:gatehouse"]),
      headers: list(colonHeader, `"Header-Name:value" pairs to ${verb}`, [
        "X-Forwarded-By:gatehouse",
        "X-Client:$(headers.user_agent)",
      ]),
      querystring: list(colonValue, `"name:value" query arguments to ${verb}`, ["version:2"]),
    })
    .strict();

const EMPTY = { body: [], headers: [], querystring: [] };

export const requestTransformerSchema = z
  .object({
    http_method: z
      .string()
      .regex(/^[A-Z]+$/, { error: (i) => `invalid value: ${String(i.input)}` })
      .nullish()
      .describe("Changes the method sent upstream (upper-case, e.g. POST).")
      .meta({ examples: ["POST"] }),
    remove: z
      .object({
        body: list(z.string(), "body keys to remove", ["password"]),
        headers: list(headerName, "header names to remove", ["Cookie"]),
        querystring: list(z.string(), "query arguments to remove", ["debug"]),
      })
      .strict()
      .default(EMPTY)
      .describe("Removes headers, query arguments and body keys."),
    rename: z
      .object({
        body: list(colonRename, '"old:new" body keys', ["user:username"]),
        headers: list(colonRenameHeader, '"Old-Name:New-Name" headers', ["X-Token:Authorization"]),
        querystring: list(colonRename, '"old:new" query arguments', ["q:query"]),
      })
      .strict()
      .default(EMPTY)
      .describe("Renames headers, query arguments and body keys."),
    replace: valueRecord("replace")
      .extend({
        uri: z
          .string()
          .refine((s) => s.startsWith("/") || s.startsWith("$("), {
            error: "should start with: /",
          })
          .superRefine(checkValue)
          .nullish()
          .describe("Replaces the upstream path (templates allowed).")
          .meta({ examples: ["/v2/$(query_params.resource)"] }),
      })
      .default(EMPTY)
      .describe("Replaces values of existing headers, query arguments and body keys; uri."),
    add: valueRecord("add")
      .default(EMPTY)
      .describe("Adds headers, query arguments and body keys that are not there yet."),
    append: valueRecord("append")
      .default(EMPTY)
      .describe("Appends values to headers, query arguments and body keys."),
  })
  .strict();

export type RequestTransformerConfig = z.output<typeof requestTransformerSchema>;
