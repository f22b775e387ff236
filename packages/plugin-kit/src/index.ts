export { BodyTooLargeError, PluginKitError } from "./errors.js";
export { MemoryCounterStore, MAX_MEMORY_COUNTERS } from "./counters.js";
export type { CounterHit, CounterStore, WindowCounter } from "./counters.js";
export { disposePlugins, retainPluginResources } from "./lifecycle.js";
export { exportCatalog } from "./catalog.js";
export type { CatalogEntry } from "./catalog.js";
export type { Phase } from "./phases.js";
export { PHASES } from "./phases.js";
export type {
  PluginDefinition,
  PluginSpec,
  PluginMeta,
  PluginScope,
  PluginCategory,
  PhaseHandler,
  CatchHandler,
  PluginPhases,
  ConfigError,
  DataPlaneOptions,
  UpstreamTargetHealth,
  ValidationResult,
} from "./define.js";
export {
  DEFAULT_TRACING_SAMPLING_RATE,
  definePlugin,
  validatePluginConfig,
  configJsonSchema,
  fieldTitle,
  catalogOf,
} from "./define.js";
export type {
  PluginInstanceSpec,
  ChainEntry,
  CompileOptions,
  CompileResult,
  ConsumerRef,
} from "./chains.js";
export {
  Chain,
  Chains,
  ChainCompileError,
  compileChains,
  tryCompileChains,
  chainOf,
} from "./chains.js";
export type { UpstreamFailureKind } from "./transaction.js";
export type { PhaseTiming } from "./types.js";
export { UpstreamError } from "./transaction.js";
export type {
  Kit,
  ConnectionInfo,
  ResponseKit,
  RequestKit,
  ClientKit,
  RouterKit,
  ServiceKit,
  Consumer,
  BasicAuthCredential,
  Credential,
  CredentialLookup,
  JwtCredential,
  KitLogger,
  ResponseSource,
  ExitBody,
  RequestBody,
  UriCaptures,
} from "./types.js";
export type { HeaderInput, HeaderRecord, HeaderScalar, NodeHeaders } from "./headers.js";
export { HeaderStore, headerKey, checkHeaderName } from "./headers.js";
export {
  HTTP_MESSAGES,
  defaultMessage,
  formatFromAccept,
  formatOfMediaType,
  renderError,
  CONTENT_TYPES,
} from "./error-format.js";
export type { ErrorFormat } from "./error-format.js";
export { REDACTED, LOG_CREDENTIAL_NAMES, credentialNamesOf, redactQuery } from "./redact.js";
export {
  withoutFormArg,
  multipartBoundary,
  parseMultipart,
  multipartArgs,
  withoutMultipartField,
  encodeMultipart,
} from "./form-body.js";
export type { MultipartPart } from "./form-body.js";
