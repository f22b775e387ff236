import { compileTrustedProxies } from "@gatehouse/config";
import type { TrustedProxies } from "@gatehouse/config";
import { z } from "zod";

/**
 * The admin's environment, read and validated once, on first use at run time.
 * Nothing here runs at build time, so `next build` works without a database; `instrumentation.ts`
 * checks it when the server starts, so a missing DATABASE_URL stops `next start` with the reason.
 */
const REQUIRED =
  "is required: the PostgreSQL URL, e.g. postgresql://postgres@127.0.0.1:5432/gatehouse";

/** "10.0.0.0/8, 192.0.2.7, fd00::/8" → the compiled list (a bare address is its own /32 or /128). */
const trustedProxies = z
  .string()
  .optional()
  .transform((value, ctx): TrustedProxies => {
    const entries = (value ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter((part) => part !== "");
    try {
      return compileTrustedProxies(entries);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

const envSchema = z.object({
  DATABASE_URL: z
    .string({ error: REQUIRED })
    .trim()
    .min(1, REQUIRED)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), {
      error: "must be a postgresql:// URL",
    }),
  /** Accepted as an admin API token (automation, first setup). Unset: no bootstrap token. */
  GATEHOUSE_BOOTSTRAP_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters when set")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * HMAC-SHA256 secret for key-auth keys (the data plane hashes presented keys with the same secret).
   * Unset: creating key-auth credentials is refused with a clear error.
   */
  GATEHOUSE_KEY_HASH_SECRET: z
    .string()
    .min(16, "must be at least 16 characters when set")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * Shared secret of the control plane and its data planes: data planes authenticate to
   * /api/v1/dataplane/* with it, the control plane pushes to their control endpoints with it.
   * Unset: data planes cannot register and nothing is pushed.
   */
  GATEHOUSE_CLUSTER_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters when set")
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * The data planes' GATEHOUSE_DEBUG_TOKEN: the request simulator sends it as X-Gatehouse-Debug to
   * get the trace. Unset: the simulator answers 503 with the reason.
   */
  GATEHOUSE_DEBUG_TOKEN: z
    .string()
    .max(1024)
    .optional()
    .or(z.literal("").transform(() => undefined)),
  /**
   * Reverse proxies in front of the admin, as a comma-separated list of addresses / CIDR ranges.
   * Only a request whose TCP peer is one of them has its X-Forwarded-For read (right to left,
   * skipping trusted hops) for the client address used by the sign-in throttle and the audit log.
   * Unset: the peer address is the client address and X-Forwarded-For is ignored.
   */
  GATEHOUSE_ADMIN_TRUSTED_PROXIES: trustedProxies,
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

let cached: Env | undefined;

/**
 * The admin's environment, read and validated once, on first use at run time.
 * Nothing here runs at build time, so `next build` works without a database; `instrumentation.ts`
 * checks it when the server starts, so a missing DATABASE_URL stops `next start` with the reason.
 */

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
