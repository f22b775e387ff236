import "server-only";
import { z } from "zod";

/**
 * The admin's environment, read and validated once, on first use at run time.
 * Nothing here runs at build time, so `next build` works without a database.
 */
const envSchema = z.object({
  DATABASE_URL: z
    .string({
      error:
        "DATABASE_URL is required: set it to the PostgreSQL URL, e.g. postgresql://user@127.0.0.1:5432/gatehouse",
    })
    .trim()
    .min(
      1,
      "DATABASE_URL is required: set it to the PostgreSQL URL, e.g. postgresql://user@127.0.0.1:5432/gatehouse",
    )
    .refine((value) => /^postgres(ql)?:\/\//.test(value), {
      error: "DATABASE_URL must be a postgresql:// URL",
    }),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const result = envSchema.safeParse(process.env);
  if (!result.success) {
    const reasons = result.error.issues.map(
      (issue) => `  - ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new EnvError(`Invalid admin environment:\n${reasons.join("\n")}`);
  }
  cached = result.data;
  return cached;
}
