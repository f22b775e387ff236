/**
 * The data plane's error convention: every error that crosses a module is a `GatewayError` with a
 * stable `code` (`GH_<AREA>_<WHAT>`) that logs, metrics and tests match on; the message is for
 * people. proxy/errors.ts (ForwardError) is the model: a kind, a status and a code per failure.
 */
export abstract class GatewayError extends Error {
  abstract readonly code: string;
}

/** Codes of the errors raised outside the proxy (proxy/errors.ts lists the upstream ones). */
export const ERROR_CODES = {
  configInvalid: "GH_CONFIG_INVALID",
  routesInvalid: "GH_ROUTES_INVALID",
  requestBodyTooLarge: "GH_REQUEST_BODY_TOO_LARGE",
  controlPlaneHttp: "GH_CONTROL_PLANE_HTTP",
  controlPlaneMalformed: "GH_CONTROL_PLANE_MALFORMED",
  optionInvalid: "GH_OPTION_INVALID",
  proxyInvalidPath: "GH_PROXY_INVALID_PATH",
} as const;

/** A command-line option (or its default) that cannot be used; the message names the option. */
export class OptionError extends GatewayError {
  readonly code = ERROR_CODES.optionInvalid;
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}
