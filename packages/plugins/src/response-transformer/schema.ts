import { z } from "zod";
import { isHeaderName, isHeaderValue } from "../shared/fields.js";

/** Kong splits "name:value" with ^([^:]+):*(.-)$ */
export function splitPair(entry: string): [name: string, value: string] | undefined {
  const m = /^([^:]+):*([\s\S]*)$/.exec(entry);
  return m ? [m[1] as string, m[2] as string] : undefined;
}

/** A header to remove: `name`, or Kong's `name:value` (the value is ignored, as in Kong). */
const headerNameEntry = z.string().refine((s) => isHeaderName(splitPair(s)?.[0] ?? ""), {
  error: (i) => `'${String(i.input)}' is not a valid header`,
});

const colonJson = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "")
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
});

const colonHeader = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "") {
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
    return;
  }
  if (!isHeaderName(p[0]))
    ctx.addIssue({ code: "custom", message: `'${p[0]}' is not a valid header` });
  else if (!isHeaderValue(p[1])) {
    ctx.addIssue({
      code: "custom",
      message: `value of '${p[0]}' must not contain CR, LF or other control characters`,
    });
  }
});

const colonRename = z.string().superRefine((s, ctx) => {
  const p = splitPair(s);
  if (!p || p[1] === "") {
    ctx.addIssue({ code: "custom", message: `key '${p ? p[0] : s}' has no value` });
    return;
  }
  for (const n of p)
    if (!isHeaderName(n)) ctx.addIssue({ code: "custom", message: `'${n}' is not a valid header` });
});

const jsonTypes = z
  .array(
    z.enum(["boolean", "number", "string"], { error: "expected one of: boolean, number, string" }),
  )
  .default([]);

const valueRecord = z
  .object({
    json: z
      .array(colonJson)
      .default([])
      .describe('"key:value" pairs of the JSON body')
      .meta({ examples: [["source:gatehouse"]] }),
    json_types: jsonTypes.describe(
      "type of each json value, by position: boolean, number or string",
    ),
    headers: z
      .array(colonHeader)
      .default([])
      .describe('"Header-Name:value" pairs')
      .meta({ examples: [["X-Served-By:gatehouse"]] }),
  })
  .strict();

const defaults = { json: [], json_types: [], headers: [] };

export const responseTransformerSchema = z
  .object({
    remove: z
      .object({
        json: z
          .array(z.string())
          .default([])
          .describe("JSON keys to remove")
          .meta({ examples: [["internal_id"]] }),
        headers: z
          .array(headerNameEntry)
          .default([])
          .describe("header names to remove")
          .meta({ examples: [["Server"]] }),
      })
      .strict()
      .default({ json: [], headers: [] })
      .describe("remove headers / JSON keys"),
    rename: z
      .object({
        json: z
          .array(colonJson)
          .default([])
          .describe('"old:new" JSON keys')
          .meta({ examples: [["id:user_id"]] }),
        headers: z
          .array(colonRename)
          .default([])
          .describe('"Old-Name:New-Name" headers')
          .meta({ examples: [["X-Old:X-New"]] }),
      })
      .strict()
      .default({ json: [], headers: [] })
      .describe("rename headers / JSON keys"),
    replace: valueRecord
      .default(defaults)
      .describe("replace values of existing headers / JSON keys"),
    add: valueRecord.default(defaults).describe("add headers / JSON keys that are not there yet"),
    append: valueRecord.default(defaults).describe("append values to headers / JSON keys"),
  })
  .strict();

export type ResponseTransformerConfig = z.output<typeof responseTransformerSchema>;
