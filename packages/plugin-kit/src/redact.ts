/**
 * Credentials in logs: the data plane passes the names of the query arguments (and headers) that
 * carry credentials in its running config as `logInfo[LOG_CREDENTIAL_NAMES]` (a lower-cased
 * `ReadonlySet<string>`); the access log and the log plugins write their values as REDACTED.
 */
export const REDACTED = "REDACTED";

/** key of the credential-name set in what the data plane passes to the log phase */
export const LOG_CREDENTIAL_NAMES = "credential_names";

/** The lower-cased credential names in a log phase's `logInfo`, if the data plane gave any. */
export function credentialNamesOf(
  info: Readonly<Record<string, unknown>> | undefined,
): ReadonlySet<string> | null {
  const v = info?.[LOG_CREDENTIAL_NAMES];
  return v instanceof Set ? (v as ReadonlySet<string>) : null;
}

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " ")).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/**
 * `url` with the value of every
 * query argument whose name, percent-decoded and lower-cased, is in `names` replaced by REDACTED.
 */
export function redactQuery(url: string, names: ReadonlySet<string> | null): string {
  const q = url.indexOf("?");
  if (q === -1 || names === null) return url;
  const args = url.slice(q + 1).split("&");
  let changed = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (names.has(decodedName(name))) {
      args[i] = `${name}=${REDACTED}`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q + 1)}${args.join("&")}` : url;
}
