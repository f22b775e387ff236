/**
 * Environment rules both planes apply: the secrets the control plane and its data planes share
 * (each app's env module — apps/admin/src/env.ts, apps/gateway/src/env.ts — imports them), and
 * the one way an environment schema is checked and its errors worded.
 */
import { z } from "zod";

/**
 * Minimum length of the secrets the planes share (GATEHOUSE_CLUSTER_TOKEN, GATEHOUSE_DEBUG_TOKEN,
 * GATEHOUSE_KEY_HASH_SECRET): both sides refuse a shorter value at start.
 */
export const SHARED_SECRET_MIN_LENGTH = 16;

/** GATEHOUSE_DEBUG_TOKEN travels as a header value (X-Gatehouse-Debug): at most this long. */
export const DEBUG_TOKEN_MAX_LENGTH = 1024;

const secret = (max?: number) =>
  z
    .string()
    .optional()
    // unset and "" mean the same: no secret
    .transform((value) => (value === "" ? undefined : value))
    .pipe(
      z
        .string()
        .min(
          SHARED_SECRET_MIN_LENGTH,
          `must be at least ${SHARED_SECRET_MIN_LENGTH} characters when set`,
        )
        .max(max ?? Number.MAX_SAFE_INTEGER, `must be at most ${max} characters`)
        .optional(),
    );

/** GATEHOUSE_CLUSTER_TOKEN, GATEHOUSE_KEY_HASH_SECRET: optional, at least 16 characters when set. */
export const sharedSecretEnv = secret();

/** GATEHOUSE_DEBUG_TOKEN: optional, 16 to 1024 characters when set. */
export const debugTokenEnv = secret(DEBUG_TOKEN_MAX_LENGTH);

/** An environment that does not pass its schema; the message names every bad variable. */
export class EnvError extends Error {
  override name = "EnvError";
  readonly code = "GH_ENV_INVALID";
}

/**
 * `env` (normally `process.env`) checked with `schema`; throws an EnvError whose message is
 * `<what>:` then one `  - NAME: reason` line per bad variable.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  what: string,
): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const reasons = result.error.issues.map(
    (issue) => `  - ${issue.path.join(".")}: ${issue.message}`,
  );
  throw new EnvError(`${what}:\n${reasons.join("\n")}`);
}
