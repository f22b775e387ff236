/**
 * The gateway's environment: every variable it reads, checked once at start (main.ts). A bad
 * value stops the process with a message naming the variable; CLI flags, where one exists, take
 * precedence over its variable (main.ts). The secrets shared with the control plane follow
 * @gatehouse/config's rule (at least SHARED_SECRET_MIN_LENGTH characters), as in the admin.
 */
import {
  DEFAULT_REAL_IP,
  compileTrustedProxies,
  debugTokenEnv,
  parseEnv,
  parseRealIpHeader,
  sharedSecretEnv,
} from "@gatehouse/config";
import { readClusterTls } from "@gatehouse/config/cluster-tls";
import type { ClusterTls } from "@gatehouse/config/cluster-tls";
import { z } from "zod";

/** unset and "" mean the same: not set */
const optional = z
  .string()
  .optional()
  .transform((value) => (value === "" ? undefined : value));

const HTTP_URL = /^https?:\/\/[^/]+/;

const httpUrl = optional.transform((value, ctx) => {
  if (value === undefined || HTTP_URL.test(value)) return value;
  ctx.addIssue({
    code: "custom",
    message: `must be an http:// or https:// URL, got ${JSON.stringify(value)}`,
  });
  return z.NEVER;
});

const integer = (min: 0 | 1) =>
  optional.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() !== "" && Number.isSafeInteger(n) && n >= min) return n;
    ctx.addIssue({
      code: "custom",
      message: `must be a ${min === 1 ? "positive" : "non-negative"} integer, got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  });

/** "10.0.0.0/8, 192.0.2.7" → the entries, each checked (a bare address is its own /32 or /128) */
const cidrList = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const entries = (value ?? "")
      .split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    try {
      compileTrustedProxies(entries);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
    return entries;
  });

const gatewayEnvSchema = z.object({
  /** bearer token of the control endpoint, and of this data plane's calls to the control plane */
  GATEHOUSE_CLUSTER_TOKEN: sharedSecretEnv,
  /**
   * mutual TLS between the planes (@gatehouse/config/cluster-tls): this data plane's certificate,
   * its key and the CA (file paths or PEM; all three or none). Set: the control endpoint is HTTPS
   * requiring a client certificate the CA signed, and calls to the control plane present it.
   */
  GATEHOUSE_CLUSTER_CERT: optional,
  GATEHOUSE_CLUSTER_KEY: optional,
  GATEHOUSE_CLUSTER_CA: optional,
  /** the control plane to register with, heartbeat to and pull from */
  GATEHOUSE_CONTROL_PLANE_URL: httpUrl,
  /** how the control plane reaches the control endpoint (default http://<--control>) */
  GATEHOUSE_ADVERTISE_CONTROL_URL: httpUrl,
  /** proxy URL reported at registration (default http://<--listen>) */
  GATEHOUSE_ADVERTISE_PROXY_URL: httpUrl,
  /** heartbeat period until the control plane answers its own (ms) */
  GATEHOUSE_HEARTBEAT_INTERVAL_MS: integer(1),
  /** requests carrying X-Gatehouse-Debug: <token> get X-Gatehouse-Trace */
  GATEHOUSE_DEBUG_TOKEN: debugTokenEnv,
  /** CIDRs whose X-Forwarded-* are trusted (and exempt from the per-address connection cap) */
  GATEHOUSE_TRUSTED_PROXIES: cidrList,
  /** Kong's real_ip_header: the header the client address is read from behind trusted proxies */
  GATEHOUSE_REAL_IP_HEADER: optional.transform((value, ctx) => {
    if (value === undefined) return DEFAULT_REAL_IP.header;
    const r = parseRealIpHeader(value);
    if ("error" in r) {
      ctx.addIssue({ code: "custom", message: r.error });
      return z.NEVER;
    }
    return r.header;
  }),
  /** Kong's real_ip_recursive: on | off */
  GATEHOUSE_REAL_IP_RECURSIVE: z
    .enum(["on", "off"], { error: 'must be "on" or "off"' })
    .optional()
    .transform((v) => (v === undefined ? DEFAULT_REAL_IP.recursive : v === "on")),
  /** HMAC key of hashed key-auth credentials (key_hash) */
  GATEHOUSE_KEY_HASH_SECRET: sharedSecretEnv,
  /** the plugin set, when --plugins is not given */
  GATEHOUSE_PLUGINS: z.string().optional(),
  /** when --proxy-protocol is not given: "listen", "listen-tls" or both, comma-separated (main.ts) */
  GATEHOUSE_PROXY_PROTOCOL: optional,
  /** when --workers is not given: a positive integer or "auto" (checked in main.ts) */
  GATEHOUSE_WORKERS: optional,
  /** when --tracing-sampling-rate is not given: a number from 0 to 1 (checked in main.ts) */
  GATEHOUSE_TRACING_SAMPLING_RATE: optional,
  /** when --max-connections is not given */
  GATEHOUSE_MAX_CONNECTIONS: integer(1),
  /** when --max-connections-per-ip is not given (0 = no cap) */
  GATEHOUSE_MAX_CONNECTIONS_PER_IP: integer(0),
});

export type GatewayEnv = z.output<typeof gatewayEnvSchema> & {
  /** the cluster certificate, key and CA, read and checked (undefined: none set) */
  clusterTls: ClusterTls | undefined;
};

/** The environment checked; throws an EnvError naming each bad variable. */
export function gatewayEnv(env: Record<string, string | undefined> = process.env): GatewayEnv {
  const parsed = parseEnv(gatewayEnvSchema, env, "invalid environment");
  return { ...parsed, clusterTls: readClusterTls(parsed) };
}
