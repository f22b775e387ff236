// Host-name targets: resolved with the system resolver and re-resolved when the answer's TTL ends
// (every 30 s when the resolver gives none); a name that stops resolving marks its target
// DNS_ERROR (no traffic) instead of failing requests, and resolving again clears it.
import { promises as dns } from "node:dns";
import { isIP } from "node:net";
import type { HealthRegistry, TargetState } from "./health.js";

export interface Resolution {
  addresses: string[];
  /** seconds the answer may be kept; undefined = unknown (re-resolved after 30 s) */
  ttl: number | undefined;
}

/** How names are resolved; injectable for tests (`GatewayOptions.resolver`). */
export type Resolve = (host: string) => Promise<Resolution>;

export const DEFAULT_TTL_S = 30;

/** The system resolver: A/AAAA records with their TTL, else getaddrinfo (hosts file, mDNS...). */
export const systemResolve: Resolve = async (host) => {
  try {
    const records = await dns.resolve4(host, { ttl: true });
    if (records.length > 0) {
      return {
        addresses: records.map((r) => r.address),
        ttl: Math.min(...records.map((r) => r.ttl)),
      };
    }
  } catch {
    // not in DNS (e.g. /etc/hosts only, or IPv6 only): getaddrinfo below
  }
  const found = await dns.lookup(host, { all: true });
  return { addresses: found.map((a) => a.address), ttl: undefined };
};

interface Entry {
  host: string;
  /** the TTL of the last answer (s): a failed resolution is retried after it too */
  ttl: number | undefined;
  states: Set<TargetState>;
  timer: NodeJS.Timeout | undefined;
  stopped: boolean;
}

/** Keeps the addresses of every host-name target current; one resolution per name. */
export class TargetResolver {
  private readonly entries = new Map<string, Entry>();
  /** the last answer per name (a new config's states get it at once) */
  private readonly last = new Map<string, string[] | "error">();

  constructor(
    private readonly registry: HealthRegistry,
    private readonly resolve: Resolve = systemResolve,
    /** floor of a re-resolution delay (ms), so a TTL of 0 does not spin */
    private readonly minDelayMs = 1000,
  ) {}

  static needsResolution(host: string): boolean {
    return isIP(host) === 0;
  }

  /** The host-name targets of the running config (others stop being resolved). */
  sync(targets: readonly { host: string; state: TargetState }[]): void {
    const wanted = new Map<string, Set<TargetState>>();
    for (const t of targets) {
      if (!TargetResolver.needsResolution(t.host)) continue;
      const set = wanted.get(t.host) ?? new Set();
      set.add(t.state);
      wanted.set(t.host, set);
    }
    for (const [host, entry] of this.entries) {
      if (wanted.has(host)) continue;
      entry.stopped = true;
      clearTimeout(entry.timer);
      this.entries.delete(host);
      this.last.delete(host);
    }
    for (const [host, states] of wanted) {
      const entry = this.entries.get(host);
      if (entry) {
        entry.states = states;
        this.apply(entry, null);
        continue;
      }
      const created: Entry = { host, ttl: undefined, states, timer: undefined, stopped: false };
      this.entries.set(host, created);
      void this.refresh(created);
    }
  }

  private apply(entry: Entry, result: string[] | "error" | null): void {
    if (result !== null) this.last.set(entry.host, result);
    const known = this.last.get(entry.host);
    if (known === undefined) return;
    for (const state of entry.states) {
      if (known === "error") this.registry.setDnsError(state, true);
      else {
        state.addresses = known;
        this.registry.setDnsError(state, false);
      }
    }
  }

  private async refresh(entry: Entry): Promise<void> {
    try {
      const r = await this.resolve(entry.host);
      if (entry.stopped) return;
      entry.ttl = r.ttl;
      this.apply(entry, r.addresses.length > 0 ? r.addresses : "error");
    } catch {
      if (entry.stopped) return;
      this.apply(entry, "error");
    }
    const delay = Math.max(this.minDelayMs, Math.min(entry.ttl ?? DEFAULT_TTL_S, 3600) * 1000);
    entry.timer = setTimeout(() => void this.refresh(entry), delay);
    entry.timer.unref();
  }

  stop(): void {
    for (const entry of this.entries.values()) {
      entry.stopped = true;
      clearTimeout(entry.timer);
    }
    this.entries.clear();
  }
}
