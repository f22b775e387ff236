import { z } from "zod";
import { intBetween } from "../shared/fields.js";

export const FORMATS = ["json", "problem", "xml", "html", "text"] as const;
export type PageFormat = (typeof FORMATS)[number];

export const VARIABLES = [
  "status",
  "title",
  "message",
  "request_id",
  "route",
  "service",
  "method",
  "path",
  "type",
] as const;

const VAR = /\{\{\s*([^{}]*?)\s*\}\}/g;
const MAX_TEMPLATE = 65536;

/** Sample values used to check that json / problem templates render to valid JSON. */
const SAMPLE: Record<string, string> = {
  status: "404",
  title: "Not found",
  message: 'a "quoted" message',
  request_id: "id",
  route: "r",
  service: "s",
  method: "GET",
  path: "/p",
  type: "about:blank",
};

export function templateIssue(format: PageFormat, template: string): string | undefined {
  for (const m of template.matchAll(VAR)) {
    const name = m[1] ?? "";
    if (!(VARIABLES as readonly string[]).includes(name))
      return `unknown variable {{${name}}} (known: ${VARIABLES.join(", ")})`;
  }
  if (format === "json" || format === "problem") {
    const rendered = template.replace(VAR, (_, n: string) =>
      JSON.stringify(SAMPLE[n] ?? "").slice(1, -1),
    );
    try {
      JSON.parse(rendered);
    } catch {
      return 'must render to valid JSON (put string variables inside quotes: "{{message}}")';
    }
  }
  return undefined;
}

const template = (format: PageFormat) =>
  z
    .string()
    .min(1, { error: "must not be empty" })
    .max(MAX_TEMPLATE, { error: `must be at most ${MAX_TEMPLATE} characters` })
    .superRefine((s, ctx) => {
      const issue = templateIssue(format, s);
      if (issue) ctx.addIssue({ code: "custom", message: issue });
    });

const TEMPLATE_EXAMPLES: Record<PageFormat, { media: string; example: string }> = {
  json: { media: "application/json", example: '{"error": "{{message}}", "status": {{status}}}' },
  problem: {
    media: "application/problem+json",
    example: '{"type": "{{type}}", "title": "{{title}}", "status": {{status}}}',
  },
  xml: { media: "application/xml", example: "<error><message>{{message}}</message></error>" },
  html: { media: "text/html", example: "<h1>{{status}} {{title}}</h1><p>{{message}}</p>" },
  text: { media: "text/plain", example: "{{status}} {{title}}: {{message}}" },
};

/** A template field: a multi-line editor in the admin (contentMediaType), with an example. */
const templateField = (format: PageFormat, what: string) =>
  template(format)
    .nullish()
    .describe(what)
    .meta({
      contentMediaType: TEMPLATE_EXAMPLES[format].media,
      examples: [TEMPLATE_EXAMPLES[format].example],
    });

const templates = z
  .object({
    json: templateField("json", "Template of application/json error bodies."),
    problem: templateField(
      "problem",
      "Template of RFC 9457 application/problem+json error bodies.",
    ),
    xml: templateField("xml", "Template of application/xml error bodies."),
    html: templateField("html", "Template of text/html error pages."),
    text: templateField("text", "Template of text/plain error bodies."),
  })
  .strict();

export const errorPagesSchema = z
  .object({
    default_format: z
      .enum(FORMATS, { error: `expected one of ${FORMATS.join(", ")}` })
      .default("json")
      .describe(
        "Format used when the Accept header names none of the formats (or is */* or missing).",
      ),
    templates: templates
      .default({})
      .describe(
        "Templates per format; unset formats use the built-in ones. Variables: " +
          VARIABLES.map((v) => `{{${v}}}`).join(", ") +
          " (escaped for the format).",
      ),
    problem_type: z
      .string()
      .min(1, { error: "must not be empty" })
      .default("about:blank")
      .describe("The `type` member of problem+json bodies ({{type}}): a URI reference."),
    overrides: z
      .array(
        z
          .object({
            status: intBetween(400, 599).describe("The status code this override applies to."),
            message: z
              .string()
              .min(1, { error: "must not be empty" })
              .nullish()
              .describe("Replaces {{message}} for this status."),
            templates: templates.nullish().describe("Templates for this status (per format)."),
          })
          .strict(),
      )
      .default([])
      .superRefine((list, ctx) => {
        const seen = new Set<number>();
        list.forEach((o, i) => {
          if (seen.has(o.status))
            ctx.addIssue({
              code: "custom",
              path: [i, "status"],
              message: `duplicate override for status ${o.status}`,
            });
          seen.add(o.status);
        });
      })
      .describe("Per-status message and template overrides."),
    replace_exit_bodies: z
      .boolean()
      .default(false)
      .describe(
        "Also replace bodies a plugin sent with exit() (e.g. request-termination's body, mock) when the status is >= 400. error() responses, thrown errors and upstream failures are always replaced.",
      ),
    replace_upstream_errors: z
      .boolean()
      .default(false)
      .describe("Also replace the upstream's own responses with a status >= 400."),
  })
  .strict();

export type ErrorPagesConfig = z.output<typeof errorPagesSchema>;
