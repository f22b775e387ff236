import type { PluginDefinition } from "@gatehouse/plugin-kit";
import { catalogOf } from "@gatehouse/plugin-kit";
import { ipRestriction } from "./ip-restriction/handler.js";
import { keyAuth } from "./key-auth/handler.js";
import { requestTermination } from "./request-termination/handler.js";
import { responseTransformer } from "./response-transformer/handler.js";

export { ipRestriction, keyAuth, requestTermination, responseTransformer };
export { catalogOf };

/** Every built-in plugin, priorities unique. */
export const builtinPlugins: readonly PluginDefinition[] = [
  keyAuth,
  ipRestriction,
  responseTransformer,
  requestTermination,
];

/** name → definition of the built-ins. */
export const builtinCatalog: ReadonlyMap<string, PluginDefinition> = catalogOf(builtinPlugins);
