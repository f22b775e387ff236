import { compileTrustedProxies, debugTokenEnv, parseEnv, sharedSecretEnv } from "@gatehouse/config";
import type { TrustedProxies } from "@gatehouse/config";
import { readClusterTls } from "@gatehouse/config/cluster-tls";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import { z } from "zod";

export { EnvError } from "@gatehouse/config";

/**
 * The admin's environment: every variable the app reads (Next.js's own NEXT_RUNTIME, NEXT_PHASE and
 * NODE_ENV aside, which Next sets and inlines), read and validated once, on first use at run time.
 * Nothing here runs at build time, so `next build` works without a database; `instrumentation.ts`
 * checks it when the server starts, so a missing DATABASE_URL or a bad value stops `next start`
 * with a message naming the variable. The secrets shared with the data planes follow
 * @gatehouse/config's rule (sharedSecretEnv, debugTokenEnv), as in the gateway's env.ts.
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

/** A duration in ms between `min` and one hour; unset or "" = `fallback`. */
function milliseconds(fallback: number, min: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === "") return fallback;
      const n = Number(raw);
      if (Number.isInteger(n) && n >= min && n <= 3_600_000) return n;
      ctx.addIssue({
        code: "custom",
        message: `must be a number of milliseconds (${min}..3600000), got ${JSON.stringify(raw)}`,
      });
      return z.NEVER;
    });
}

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
  GATEHOUSE_KEY_HASH_SECRET: sharedSecretEnv,
  /**
   * Shared secret of the control plane and its data planes: data planes authenticate to
   * /api/v1/dataplane/* with it, the control plane pushes to their control endpoints with it.
   * Unset: data planes cannot register and nothing is pushed.
   */
  GATEHOUSE_CLUSTER_TOKEN: sharedSecretEnv,
  /**
   * Mutual TLS with the data planes (@gatehouse/config/cluster-tls): the control plane's
   * certificate, its key and the CA that signs every plane's certificate (file paths or PEM; all
   * three or none). Set: pushes go over HTTPS presenting the certificate and verifying the data
   * plane's, and server.mjs serves the data-plane endpoints only on GATEHOUSE_CLUSTER_LISTEN.
   */
  GATEHOUSE_CLUSTER_CERT: z.string().optional(),
  GATEHOUSE_CLUSTER_KEY: z.string().optional(),
  GATEHOUSE_CLUSTER_CA: z.string().optional(),
  /**
   * The data planes' GATEHOUSE_DEBUG_TOKEN: the request simulator sends it as X-Gatehouse-Debug to
   * get the trace. Unset: the simulator answers 503 with the reason.
   */
  GATEHOUSE_DEBUG_TOKEN: debugTokenEnv,
  /**
   * Reverse proxies in front of the admin, as a comma-separated list of addresses / CIDR ranges.
   * Only a request whose TCP peer is one of them has its X-Forwarded-For read (right to left,
   * skipping trusted hops) for the client address used by the sign-in throttle and the audit log.
   * Unset: the peer address is the client address and X-Forwarded-For is ignored.
   */
  GATEHOUSE_ADMIN_TRUSTED_PROXIES: trustedProxies,
  /** The plugin set (built-ins, names, third-party packages), like the data planes' setting. */
  GATEHOUSE_PLUGINS: z.string().optional(),
  /** How often data planes are asked to heartbeat (ms); "connected" means within 3 of them. */
  GATEHOUSE_HEARTBEAT_INTERVAL_MS: milliseconds(10_000, 100),
  /** How often the distributor looks for versions and data planes other replicas know of (ms). */
  GATEHOUSE_DISTRIBUTION_POLL_MS: milliseconds(2000, 10),
  /** Timeout of one push to a data plane's control endpoint (ms). */
  GATEHOUSE_PUSH_TIMEOUT_MS: milliseconds(10_000, 10),
  /** First retry delay of a failed push, doubled per attempt (ms). */
  GATEHOUSE_PUSH_RETRY_MS: milliseconds(500, 10),
  /** Versions committed within this window are pushed once, the newest (ms; 0 = no wait). */
  GATEHOUSE_PUSH_COALESCE_MS: milliseconds(250, 0),
});

export type Env = z.infer<typeof envSchema> & {
  /** the cluster certificate, key and CA, read and checked (undefined: none set) */
  clusterTls: ClusterTls | undefined;
};

let cached: Env | undefined;

/** The admin's environment (see the top of this file); throws an EnvError naming each bad variable. */
export function env(): Env {
  if (cached) return cached;
  const parsed = parseEnv(envSchema, process.env, "Invalid admin environment");
  cached = { ...parsed, clusterTls: readClusterTls(parsed) };
  return cached;
}
