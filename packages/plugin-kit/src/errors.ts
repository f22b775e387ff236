/** Thrown by the kit when a plugin misuses it (wrong phase, bad argument). Treated like any thrown error. */
export class PluginKitError extends Error {
  override readonly name = "PluginKitError";
  constructor(
    message: string,
    readonly code: "PHASE" | "ARGUMENT" | "STATE",
  ) {
    super(message);
  }
}

export function phaseError(fn: string, phase: string): PluginKitError {
  return new PluginKitError(`kit.${fn}() may not be called in the "${phase}" phase`, "PHASE");
}

export function argError(fn: string, reason: string): PluginKitError {
  return new PluginKitError(`kit.${fn}(): ${reason}`, "ARGUMENT");
}

/**
 * kit.request.getRawBody(maxBytes): the body is larger than maxBytes. The data plane may stop reading
 * the body as soon as it passes the limit (RequestInfo.readBody(maxBytes) rejects with this error).
 */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  readonly code = "BODY_TOO_LARGE";
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}
