import { z } from "zod";
import type { Draft } from "./compile.js";
import { compileSchema } from "./compile.js";

/** Kong 3.9's versions plus Gatehouse's draft2020-12. */
export const VERSIONS = ["kong", "draft4", "draft2020-12"] as const;

export const STYLES = [
  "form",
  "simple",
  "label",
  "matrix",
  "spaceDelimited",
  "pipeDelimited",
  "deepObject",
] as const;

export const ERR_ONE_OF =
  "at least one of these fields must be non-empty: 'config.body_schema', 'config.parameter_schema'";
export const ERR_KONG_VERSION =
  'version "kong" (Kong\'s Lua-format body_schema) is not supported: set version "draft4" (or "draft2020-12") and give body_schema as a JSON Schema of that draft';
export const ERR_STYLE_TRIO = "style, explode and schema must be set together";

/**
 * The dialect a config's schemas are compiled in: body_schema follows `version`; parameter schemas are
 * draft 4 as in Kong, unless `version` is draft2020-12 (then every schema of the instance is 2020-12).
 */
export function bodyDraft(c: { version: (typeof VERSIONS)[number] }): Draft {
  return c.version === "draft2020-12" ? "draft2020-12" : "draft4";
}
export const parameterDraft = bodyDraft;

/** A JSON Schema given as text, as Kong's fields are (compiled in the config's refinement, by version). */
const schemaText = (description: string, example: string) =>
  z
    .string()
    .nullish()
    .describe(description)
    .meta({ examples: [example], contentMediaType: "application/json" });

const parameter = z
  .object({
    in: z
      .enum(["header", "path", "query"], { error: "expected one of: header, path, query" })
      .describe(
        "Where the parameter is: query, header, or path (a named group of the route's regex path, e.g. ~/users/(?P<id>\\d+)).",
      ),
    name: z
      .string()
      .min(1, { error: "must not be empty" })
      .describe("The parameter's name (case-sensitive for query arguments).")
      .meta({ examples: ["page"] }),
    required: z
      .boolean({ error: "expected a boolean" })
      .describe("Whether the parameter is mandatory."),
    style: z
      .enum(STYLES, { error: `expected one of: ${STYLES.join(", ")}` })
      .nullish()
      .describe("How the value is deserialized (OpenAPI 3 styles); set with explode and schema."),
    explode: z
      .boolean({ error: "expected a boolean" })
      .nullish()
      .describe(
        "Whether arrays and objects are given as separate values; set with style and schema.",
      ),
    schema: schemaText(
      "JSON Schema of the value (draft 4, or draft 2020-12 with version draft2020-12), with a top-level type (used to deserialize it); set with style and explode.",
      '{"type":"integer","minimum":1}',
    ),
  })
  .strict()
  .superRefine((p, ctx) => {
    const set = [p.style, p.explode, p.schema].filter((v) => v != null).length;
    if (set !== 0 && set !== 3) ctx.addIssue({ code: "custom", path: [], message: ERR_STYLE_TRIO });
  });

export const requestValidatorSchema = z
  .object({
    body_schema: schemaText(
      "JSON Schema (as JSON text) the request body must conform to: draft 4 with version draft4, draft 2020-12 with version draft2020-12.",
      '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}',
    ),
    allowed_content_types: z
      .array(z.string().min(1, { error: "must not be empty" }))
      .default(["application/json"])
      .describe(
        "Content types a request with a body may have (checked when body_schema is set), e.g. application/json; charset=UTF-8.",
      ),
    version: z
      .enum(VERSIONS, { error: `expected one of: ${VERSIONS.join(", ")}` })
      .default("kong")
      .describe(
        "Schema format of body_schema: draft4 (JSON Schema draft 4) or draft2020-12 (JSON Schema draft 2020-12, a Gatehouse extension); Kong's Lua-format kong is refused.",
      ),
    parameter_schema: z
      .array(parameter)
      .nullish()
      .describe("Query and header parameters to validate."),
    verbose_response: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe(
        "Answer with the validation errors (each failing path) instead of a generic message.",
      ),
    content_type_parameter_validation: z
      .boolean({ error: "expected a boolean" })
      .default(true)
      .describe(
        "Whether the Content-Type's parameters (e.g. charset) must match allowed_content_types too.",
      ),
  })
  .strict()
  .superRefine((c, ctx) => {
    const body = c.body_schema != null && c.body_schema !== "";
    if (!body && (c.parameter_schema?.length ?? 0) === 0)
      ctx.addIssue({ code: "custom", path: [], message: ERR_ONE_OF });
    if (body && c.version === "kong")
      ctx.addIssue({ code: "custom", path: ["version"], message: ERR_KONG_VERSION });
    const check = (text: string | null | undefined, draft: Draft, path: (string | number)[]) => {
      if (text == null) return;
      const r = compileSchema(text, draft);
      if (!r.ok) ctx.addIssue({ code: "custom", path, message: r.message });
    };
    check(c.body_schema, bodyDraft(c), ["body_schema"]);
    (c.parameter_schema ?? []).forEach((p, i) =>
      check(p.schema, parameterDraft(c), ["parameter_schema", i, "schema"]),
    );
  });

export type RequestValidatorConfig = z.output<typeof requestValidatorSchema>;
export type ParameterConfig = NonNullable<RequestValidatorConfig["parameter_schema"]>[number];
