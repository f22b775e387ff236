import { lookup as dnsLookup } from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import { isIP, Socket } from "node:net";
import type { UpstreamDenyList } from "@gatehouse/config";
import { GatewayError } from "../errors.js";

/**
 * Decides which upstream addresses this data plane may connect to: the config's deny list plus the
 * data plane's own listeners (`local`, replaced once the listeners' real ports are known). Checked
 * on the address a socket actually connects to: IP literals before connecting, host names on every
 * DNS answer (so a name re-resolving to a denied address, DNS rebinding, is refused too).
 */
export class UpstreamGuard {
  constructor(
    private readonly rules: UpstreamDenyList,
    private readonly local: { current: UpstreamDenyList },
    /** identifies `rules`: keep-alive agents are per guard key */
    readonly key: string,
  ) {}

  /** The rule denying `address`:`port` (as written), or undefined when allowed. */
  denied(address: string, port: number): string | undefined {
    return (this.rules.denies(address, port) ?? this.local.current.denies(address, port))?.text;
  }
}

/** The error a denied connection fails with (classified as kind "denied", never shown to clients). */
export class UpstreamDeniedError extends GatewayError {
  readonly code = "GH_UPSTREAM_DENIED";
  constructor(
    readonly address: string,
    readonly port: number,
    readonly rule: string,
  ) {
    super(`upstream address ${address}:${port} is denied by the rule ${rule}`);
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A dns.lookup that drops denied addresses (and fails when none is left). */
function guardedLookup(guard: UpstreamGuard, port: number) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, "");
        return;
      }
      let denied: UpstreamDeniedError | undefined;
      const allowed = addresses.filter((a) => {
        const rule = guard.denied(a.address, port);
        if (rule !== undefined) denied ??= new UpstreamDeniedError(a.address, port, rule);
        return rule === undefined;
      });
      const first = allowed[0];
      if (first === undefined) {
        callback(
          denied ?? Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }),
          "",
        );
      } else if (options.all === true) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}

interface ConnectOptions {
  host?: string | null;
  port?: number | string | null;
  lookup?: unknown;
}

/**
 * For an agent's createConnection: a socket already failing with UpstreamDeniedError when the
 * target is a denied IP address; else undefined, after installing the guarded DNS lookup in
 * `options` (Node calls `lookup` for host names only).
 */
export function guardConnection(
  guard: UpstreamGuard | undefined,
  options: ConnectOptions,
): Socket | undefined {
  if (guard === undefined) return undefined;
  const host = (options.host ?? "localhost").replace(/^\[|\]$/g, "");
  const port = Number(options.port);
  if (isIP(host) === 0) {
    options.lookup = guardedLookup(guard, port);
    return undefined;
  }
  const rule = guard.denied(host, port);
  if (rule === undefined) return undefined;
  // fails like a refused connection would: the request gets the socket's 'error'
  const socket = new Socket();
  setImmediate(() => socket.destroy(new UpstreamDeniedError(host, port, rule)));
  return socket;
}
