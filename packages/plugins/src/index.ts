import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { catalogOf } from "@gatehouse/plugin-kit";
import { acl } from "./acl/handler.js";
import { basicAuth } from "./basic-auth/handler.js";
import { botDetection } from "./bot-detection/handler.js";
import { correlationId } from "./correlation-id/handler.js";
import { cors } from "./cors/handler.js";
import { errorPages } from "./error-pages/handler.js";
import { fileLog } from "./file-log/handler.js";
import { httpLog } from "./http-log/handler.js";
import { jwt } from "./jwt/handler.js";
import { ipRestriction } from "./ip-restriction/handler.js";
import { keyAuth } from "./key-auth/handler.js";
import { mock } from "./mock/handler.js";
import { openidConnect } from "./openid-connect/handler.js";
import { opentelemetry } from "./opentelemetry/handler.js";
import { prometheus } from "./prometheus/handler.js";
import { proxyCache } from "./proxy-cache/handler.js";
import { requestValidator } from "./request-validator/handler.js";
import { rateLimiting } from "./rate-limiting/handler.js";
import { requestSizeLimiting } from "./request-size-limiting/handler.js";
import { requestTermination } from "./request-termination/handler.js";
import { requestTransformer } from "./request-transformer/handler.js";
import { responseTransformer } from "./response-transformer/handler.js";

export { ipRestriction, keyAuth, requestTermination, responseTransformer };
export { correlationId, rateLimiting, requestSizeLimiting, requestTransformer };
export { catalogOf };
export { acl, basicAuth, botDetection, cors, jwt };
export { errorPages };
export { mock };
export { httpLog };
export { fileLog };
export { opentelemetry, prometheus, proxyCache, requestValidator };
export { openidConnect };
export { findCached, flushCaches, purgeCached } from "./proxy-cache/purge.js";
export type { CachedEntity, ProxyCacheInstance } from "./proxy-cache/purge.js";

/** Every built-in plugin, priorities unique. */
export const builtinPlugins: readonly PluginDefinition[] = [
  correlationId,
  botDetection,
  cors,
  jwt,
  basicAuth,
  openidConnect,
  acl,
  keyAuth,
  ipRestriction,
  requestValidator,
  requestSizeLimiting,
  rateLimiting,
  requestTransformer,
  responseTransformer,
  proxyCache,
  httpLog,
  opentelemetry,
  prometheus,
  fileLog,
  requestTermination,
  errorPages,
  mock,
];

/** name → definition of the built-ins. */
export const builtinCatalog: ReadonlyMap<string, PluginDefinition> = catalogOf(builtinPlugins);

export { configuredCatalog, loadConfiguredPlugins, loadPlugins, PluginLoadError } from "./load.js";
export type { LoadedPlugin } from "./load.js";
