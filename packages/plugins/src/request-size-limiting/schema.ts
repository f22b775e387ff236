import { z } from "zod";

export const SIZE_UNITS = ["megabytes", "kilobytes", "bytes"] as const;
export type SizeUnit = (typeof SIZE_UNITS)[number];

/** Kong's unit_multiplication_factor */
export const UNIT_BYTES: Record<SizeUnit, number> = {
  bytes: 1,
  kilobytes: 1024,
  megabytes: 1048576,
};

export const requestSizeLimitingSchema = z
  .object({
    allowed_payload_size: z
      .number({ error: "expected an integer" })
      .int({ error: "expected an integer" })
      .min(0, { error: "value must be greater than or equal to 0" })
      .default(128)
      .describe("Largest request body allowed, in size_unit (default 128)."),
    size_unit: z
      .enum(SIZE_UNITS, { error: `expected one of: ${SIZE_UNITS.join(", ")}` })
      .default("megabytes")
      .describe("Unit of allowed_payload_size: megabytes (2^20 bytes), kilobytes (1024) or bytes."),
    require_content_length: z
      .boolean({ error: "expected a boolean" })
      .default(false)
      .describe("Refuse (411) a request with a body but without a valid Content-Length header."),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (!Number.isSafeInteger(c.allowed_payload_size * UNIT_BYTES[c.size_unit])) {
      ctx.addIssue({
        code: "custom",
        path: ["allowed_payload_size"],
        message: "value is too large",
      });
    }
  });

export type RequestSizeLimitingConfig = z.output<typeof requestSizeLimitingSchema>;
