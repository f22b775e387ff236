import { z } from "zod";
import { headerName, headerValue, intBetween } from "../shared/fields.js";

export const MAX_DELAY_MS = 10_000;
const METHOD = /^[A-Z][A-Z0-9_-]*$/;
const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Path pattern checks: starts with "/", {param} names valid and unique, no "{" left over. */
export function patternIssue(pattern: string): string | undefined {
  if (!pattern.startsWith("/")) return 'must start with "/"';
  const names = new Set<string>();
  for (const m of pattern.matchAll(PARAM)) {
    const n = m[1] as string;
    if (names.has(n)) return `duplicate parameter {${n}}`;
    names.add(n);
  }
  if (/[{}]/.test(pattern.replace(PARAM, ""))) return "a {param} name must be letters, digits or _";
  if (/\*\*\*/.test(pattern)) return '"***" is not a valid wildcard (use * or **)';
  return undefined;
}

const jsonValue: z.ZodType<unknown> = z.json();

export const mockRuleSchema = z
  .object({
    methods: z
      .array(
        z.string().refine((m) => METHOD.test(m), {
          error: (i) => `'${String(i.input)}' is not a valid method (upper case token)`,
        }),
      )
      .nullish()
      .describe("Methods this rule answers (default: any method).")
      .meta({ examples: [["GET", "HEAD"]] }),
    path: z
      .string()
      .superRefine((s, ctx) => {
        const issue = patternIssue(s);
        if (issue) ctx.addIssue({ code: "custom", message: issue });
      })
      .describe(
        "Path pattern: literal segments, {param} (one segment), * (within a segment), ** (anything, also /).",
      )
      .meta({ examples: ["/users/{id}"] }),
    match: z
      .enum(["exact", "prefix"], { error: "expected exact or prefix" })
      .default("exact")
      .describe(
        "exact: the whole path matches the pattern; prefix: the path starts with it (at a / boundary).",
      ),
    status: intBetween(100, 599).default(200).describe("Status code of the mock response."),
    headers: z
      .record(z.string(), headerValue)
      .superRefine((h, ctx) => {
        for (const name of Object.keys(h)) {
          const r = headerName.safeParse(name);
          if (!r.success)
            ctx.addIssue({
              code: "custom",
              path: [name],
              message: r.error.issues[0]?.message ?? "",
            });
        }
      })
      .default({})
      .describe("Response headers (name → value).")
      .meta({ examples: [{ "Content-Type": "application/json" }] }),
    body: jsonValue
      .optional()
      .describe(
        "Response body: a string is sent as is (text/plain unless Content-Type is set), anything else as JSON. {param} values of the path are substituted in strings.",
      ),
    delay: intBetween(0, MAX_DELAY_MS)
      .default(0)
      .describe(`Milliseconds to wait before answering (0..${MAX_DELAY_MS}).`),
  })
  .strict();

export const mockSchema = z
  .object({
    rules: z
      .array(mockRuleSchema)
      .min(1, { error: "at least one rule is required" })
      .describe("Mock rules, tried in order; the first match answers."),
    fallthrough: z
      .boolean()
      .default(false)
      .describe("When no rule matches: proxy to the upstream (true) or answer 404 (false)."),
  })
  .strict();

export type MockConfig = z.output<typeof mockSchema>;
export type MockRule = z.output<typeof mockRuleSchema>;
