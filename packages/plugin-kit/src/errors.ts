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
