export { parseDeclarative } from "./parse.js";
export type { ParseResult } from "./parse.js";
export { validateDeclarative, formatErrors, parseServiceUrl, parseTarget } from "./validate.js";
export type { ValidateOptions } from "./validate.js";
export { hashConfig, hashCanonical, canonicalJson } from "./hash.js";
export { stableId } from "./ids.js";
export { formatPath, fromZodIssues, joinPath } from "./errors.js";
export {
  clientAddress,
  compileTrustedProxies,
  DEFAULT_REAL_IP,
  NO_TRUSTED_PROXIES,
  parseRealIpHeader,
  REAL_IP_PROXY_PROTOCOL,
  unmapIPv4,
} from "./client-address.js";
export type { RealIpSettings, TrustedProxies } from "./client-address.js";
export { DEFAULT_JWT_ALGORITHM, isHmacAlgorithm, JWT_ALGORITHMS } from "./jwt-algorithms.js";
export type { JwtAlgorithm } from "./jwt-algorithms.js";
export { jwtKeyTypeProblem, jwtPublicKeyProblem, MIN_RSA_BITS } from "./jwt-keys.js";
export {
  documentSchema,
  hostnameRe,
  sniSchema,
  targetSchema,
  upstreamDenySchema,
  upstreamSchema,
} from "./schema.js";
export {
  DEFAULT_HEALTHCHECKS,
  HASH_ON,
  UPSTREAM_ALGORITHMS,
  healthchecksSchema,
  healthchecksWithDefaults,
} from "./upstream-schema.js";
export type {
  HashOn,
  Healthchecks,
  HealthchecksInput,
  UpstreamAlgorithm,
} from "./upstream-schema.js";
export { checkUpstreamFields, hashingOf, normalizeUpstream } from "./upstreams.js";
export * from "./tls.js";
export {
  ERR_ALT_PAIR,
  ERR_ALT_SAME_TYPE,
  ERR_CA_DIGEST,
  caCertificateId,
  certificateId,
} from "./certificates.js";
export * from "./routes.js";
export * from "./normalize-path.js";
export * from "./protocol.js";
export type * from "./exported.js";
export type { DeclarativeDocument } from "./schema.js";
export type * from "./types.js";
export {
  DEFAULT_UPSTREAM_DENY,
  UpstreamDenyList,
  addressPortRule,
  checkUpstreamDeny,
  localPortRules,
  parseUpstreamDenyRule,
} from "./upstream-deny.js";
export type { UpstreamDenyRule } from "./upstream-deny.js";
export {
  DEBUG_TOKEN_MAX_LENGTH,
  EnvError,
  SHARED_SECRET_MIN_LENGTH,
  debugTokenEnv,
  parseEnv,
  sharedSecretEnv,
} from "./env.js";
