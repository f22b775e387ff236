import { readFileSync } from "node:fs";
import type { Kit } from "@gatehouse/plugin-kit";
import { definePlugin } from "@gatehouse/plugin-kit";
import { z } from "zod";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The config schema: validation, defaults, the TypeScript type and the admin's form in one place. */
export const helloSchema = z
  .object({
    header_name: z
      .string()
      .refine((s) => TOKEN.test(s), {
        error: (i) => `'${String(i.input)}' is not a valid header name`,
      })
      .default("X-Hello")
      .describe("Response header that carries the greeting."),
    greeting: z
      .string()
      .min(1, { error: "must not be empty" })
      .max(200, { error: "must be at most 200 characters" })
      // eslint-disable-next-line no-control-regex -- header values must not contain control characters
      .refine((s) => !/[\x00-\x1f\x7f]/.test(s), { error: "must not contain control characters" })
      .default("Hello")
      .describe("Greeting; the consumer's username (or 'world') is appended."),
  })
  .strict();

export type HelloConfig = z.output<typeof helloSchema>;

function headerFilter(kit: Kit, conf: HelloConfig): void {
  const who = kit.client.getConsumer()?.username ?? "world";
  kit.response.setHeader(conf.header_name, `${conf.greeting}, ${who}`);
}

/** The marketplace page: this package's README.md (next to src/ and dist/). */
function readme(): string | undefined {
  try {
    return readFileSync(new URL("../README.md", import.meta.url), "utf8");
  } catch {
    return undefined;
  }
}

/** Default export (also `plugin`): what GATEHOUSE_PLUGINS loads. */
export const plugin = definePlugin({
  name: "hello",
  version: "1.0.0",
  priority: 7,
  configSchema: helloSchema,
  phases: { header_filter: headerFilter },
  meta: {
    title: "Hello",
    category: "utilities",
    summary: "Adds a greeting header to every response (example third-party plugin).",
    icon: "hand",
    scopes: ["global", "service", "route", "consumer"],
    readme: readme(),
  },
});

export default plugin;
