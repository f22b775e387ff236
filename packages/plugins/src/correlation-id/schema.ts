import { z } from "zod";
import { headerName } from "../shared/fields.js";

export const GENERATORS = ["uuid", "uuid#counter", "tracker"] as const;

export const correlationIdSchema = z
  .object({
    header_name: headerName
      .default("Kong-Request-ID")
      .describe(
        "Header carrying the correlation id (Kong's default name, kept for compatibility).",
      ),
    generator: z
      .enum(GENERATORS, { error: `expected one of: ${GENERATORS.join(", ")}` })
      .default("uuid#counter")
      .describe(
        "uuid (a random UUID per request), uuid#counter (one UUID per process + a counter) or tracker.",
      ),
    echo_downstream: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe("Also send the header back to the client."),
  })
  .strict();

export type CorrelationIdConfig = z.output<typeof correlationIdSchema>;
