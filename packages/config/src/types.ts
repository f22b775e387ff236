import type { HashOn, Healthchecks, UpstreamAlgorithm } from "./upstream-schema.js";

/** One validation error: where (a path into the document) and why. */
export interface ConfigError {
  /** e.g. `services[0].routes[1].paths[0]`; empty string for the document itself. */
  path: string;
  message: string;
}

export type PluginValidation =
  { ok: true; config: Record<string, unknown> } | { ok: false; errors: ConfigError[] };

/**
 * The plugin set of the data plane doing the validation. The gateway adapts the
 * plugin kit's registry to this; error paths returned by `validate` are relative
 * to the plugin's `config` object.
 */
export interface PluginCatalog {
  has(name: string): boolean;
  validate(name: string, config: unknown): PluginValidation;
}

export interface NormalizedUpstreamTarget {
  /** as written, `host:port` */
  target: string;
  host: string;
  port: number;
  /** 0 = out of the balancer */
  weight: number;
}

/** Kong's hash input settings (upstreams.hash_*), null where not set. */
export interface NormalizedHashing {
  hashOn: HashOn;
  hashFallback: HashOn;
  hashOnHeader: string | null;
  hashFallbackHeader: string | null;
  hashOnCookie: string | null;
  hashOnCookiePath: string;
  hashOnQueryArg: string | null;
  hashFallbackQueryArg: string | null;
  hashOnUriCapture: string | null;
  hashFallbackUriCapture: string | null;
}

export interface NormalizedUpstream extends NormalizedHashing {
  id: string;
  name: string;
  /** Kong's `host_header`: the Host header sent to the targets; null = the upstream's name */
  hostHeader: string | null;
  algorithm: UpstreamAlgorithm;
  slots: number;
  /** Kong's health-check configuration, defaults filled in */
  healthchecks: Healthchecks;
  targets: NormalizedUpstreamTarget[];
  tags: string[];
}

export interface NormalizedService {
  id: string;
  name: string;
  protocol: "http" | "https";
  host: string;
  port: number;
  path: string | null;
  /** milliseconds */
  connectTimeout: number;
  readTimeout: number;
  writeTimeout: number;
  retries: number;
  tags: string[];
  /** the upstreams[] entry whose name equals `host`, else null (host is a plain hostname) */
  upstream: NormalizedUpstream | null;
  /** Kong's `tls_verify`: null = not set (https upstreams are verified) */
  tlsVerify: boolean | null;
  tlsVerifyDepth: number | null;
  /** the `ca_certificates` (ids) the upstream's certificate is verified against; [] = the system's */
  caCertificates: string[];
  /** id of the certificate presented to the upstream (mutual TLS), else null */
  clientCertificate: string | null;
}

export interface NormalizedRoute {
  id: string;
  name: string | null;
  service: NormalizedService | null;
  protocols: ("http" | "https")[];
  /** upper-case */
  methods: string[] | null;
  hosts: string[] | null;
  paths: string[] | null;
  /** lower-case header names */
  headers: Record<string, string[]> | null;
  stripPath: boolean;
  preserveHost: boolean;
  regexPriority: number;
  pathHandling: "v0" | "v1";
  /** Kong's: what a request on a protocol the route does not take gets (426, or a redirect) */
  httpsRedirectStatusCode: 426 | 301 | 302 | 307 | 308;
  /** Gatehouse extension: maximum request body in bytes (413 above); null = unlimited */
  maxBodySize: number | null;
  tags: string[];
  /** where it was declared, e.g. `services[0].routes[1]` */
  source: string;
}

export interface NormalizedKeyauthCredential {
  id: string;
  /** plaintext key (DB-less files) */
  key: string | null;
  /** HMAC-SHA256 hex of the key (pushed by the control plane) */
  keyHash: string | null;
  tags: string[];
}

export interface NormalizedBasicauthCredential {
  id: string;
  username: string;
  password: string | null;
  passwordHash: string | null;
  tags: string[];
}

export interface NormalizedJwtSecret {
  id: string;
  key: string;
  secret: string | null;
  algorithm: string;
  rsaPublicKey: string | null;
  tags: string[];
}

export interface NormalizedAcl {
  id: string;
  /** ACL group of the consumer (decK `consumers[].acls[].group`), for the acl plugin */
  group: string;
  tags: string[];
}

export interface NormalizedConsumer {
  id: string;
  username: string | null;
  customId: string | null;
  tags: string[];
  keyauthCredentials: NormalizedKeyauthCredential[];
  basicauthCredentials: NormalizedBasicauthCredential[];
  jwtSecrets: NormalizedJwtSecret[];
  acls: NormalizedAcl[];
}

export interface NormalizedCertificate {
  id: string;
  /** PEM: the leaf, then its chain */
  cert: string;
  /** PEM private key (in clear: what the data plane serves with) */
  key: string;
  certAlt: string | null;
  keyAlt: string | null;
  /** lower-cased SNI names: hostnames and `*.example.com` wildcards */
  snis: string[];
  tags: string[];
}

export interface NormalizedCaCertificate {
  id: string;
  cert: string;
  /** SHA-256 of the DER, lower-case hex */
  certDigest: string;
  tags: string[];
}

export interface NormalizedPlugin {
  id: string;
  name: string;
  enabled: boolean;
  /** validated by the plugin's schema, defaults applied */
  config: Record<string, unknown>;
  serviceId: string | null;
  routeId: string | null;
  consumerId: string | null;
  protocols: ("http" | "https")[];
  tags: string[];
  /** where it was declared, e.g. `services[0].plugins[1]` */
  source: string;
}

export interface NormalizedConfig {
  formatVersion: string;
  services: NormalizedService[];
  routes: NormalizedRoute[];
  consumers: NormalizedConsumer[];
  upstreams: NormalizedUpstream[];
  certificates: NormalizedCertificate[];
  caCertificates: NormalizedCaCertificate[];
  plugins: NormalizedPlugin[];
  /** `upstream_deny` as written; null = not set (the data plane uses DEFAULT_UPSTREAM_DENY) */
  upstreamDeny: string[] | null;
}

export type ValidationResult =
  { ok: true; config: NormalizedConfig } | { ok: false; errors: ConfigError[] };
