import { z } from "zod";

function isRegex(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

const regex = z
  .string()
  .min(1, { error: "must not be empty" })
  .refine(isRegex, { error: (i) => `'${String(i.input)}' is not a valid regex` });

export const botDetectionSchema = z
  .object({
    allow: z
      .array(regex)
      .default([])
      .describe("User-Agent regexes always allowed (checked first, even for listed bots).")
      .meta({ examples: [["^MyMonitor/\\d+"]] }),
    deny: z
      .array(regex)
      .default([])
      .describe("User-Agent regexes refused, on top of the built-in list of bots.")
      .meta({ examples: [["BadBot", "^curl/"]] }),
  })
  .strict();

export type BotDetectionConfig = z.output<typeof botDetectionSchema>;
