import { setTimeout as sleep } from "node:timers/promises";
import { pulledConfigSchema } from "@gatehouse/config";
import type { PulledConfig } from "@gatehouse/config";

export interface PullOptions {
  /** base URL of the control plane, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  token: string | undefined;
  attempts?: number;
  /** first backoff in ms, doubled per attempt (with jitter), capped at 10 s */
  backoffMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (attempt: number, reason: string) => void;
}

/**
 * Pull the current snapshot from the control plane:
 * `GET {baseUrl}/api/v1/dataplane/config` → `{ version, config }`, with retry and backoff.
 * Returns undefined when every attempt failed.
 */
export async function pullConfig(opts: PullOptions): Promise<PulledConfig | undefined> {
  const attempts = opts.attempts ?? 5;
  let backoff = opts.backoffMs ?? 500;
  const url = new URL("/api/v1/dataplane/config", opts.baseUrl);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let reason: string;
    try {
      const signal = opts.signal
        ? AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs ?? 5000)])
        : AbortSignal.timeout(opts.timeoutMs ?? 5000);
      const res = await fetch(url, {
        headers: opts.token
          ? { authorization: `Bearer ${opts.token}`, accept: "application/json" }
          : {},
        signal,
      });
      if (res.ok) {
        const pulled = pulledConfigSchema.safeParse(await res.json());
        if (pulled.success) return pulled.data;
        reason = "response is not { version, config }";
      } else {
        reason = `HTTP ${res.status}`;
        if (res.status === 401 || res.status === 403 || res.status === 404) {
          opts.onRetry?.(attempt, `${reason} (not retried)`);
          return undefined;
        }
      }
    } catch (err) {
      if (opts.signal?.aborted) return undefined;
      reason = (err as Error).message;
    }
    opts.onRetry?.(attempt, reason);
    if (attempt < attempts) {
      await sleep(backoff + Math.floor(Math.random() * backoff * 0.2), undefined, {
        signal: opts.signal,
      }).catch(() => undefined);
      if (opts.signal?.aborted) return undefined;
      backoff = Math.min(backoff * 2, 10_000);
    }
  }
  return undefined;
}
