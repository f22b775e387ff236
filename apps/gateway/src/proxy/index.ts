// Entry point of the forwarding module (the gateway server imports from here).
export { forward } from "./forward.js";
export { pipeResponse } from "./response.js";
export { forwardUpgrade } from "./upgrade.js";
export type { UpgradeClient, UpgradeHandlers } from "./upgrade.js";
export type { ForwardHandlers, OutboundRequest } from "./forward.js";
export { ForwardError, classifyError } from "./errors.js";
export type { ForwardErrorKind, ForwardErrorStatus } from "./errors.js";
export {
  checkRequestFraming,
  compileTrustedProxies,
  forwardableHeaders,
  forwardableRawHeaders,
  forwardedHeaders,
  hopByHopStrip,
  isHopByHop,
  refuseBadFraming,
  writeRawResponseHead,
  writeResponseHead,
} from "./headers.js";
export type { ForwardedHeaders, FramingError, TrustedProxies } from "./headers.js";
export { Upstream, UpstreamPool } from "./pool.js";
export type { Target, TargetSpec, UpstreamPoolOptions, UpstreamSpec } from "./pool.js";
export { UpstreamDeniedError, UpstreamGuard } from "./guard.js";
