import { OptionError } from "../errors.js";

/** `HOST:PORT` (or `[v6]:PORT`) → `{ host, port }`; throws an Error naming the option. */
export function parseHostPort(value: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new OptionError(
      `${option}: must be HOST:PORT (e.g. 127.0.0.1:8000), got ${JSON.stringify(value)}`,
    );
  }
  return { host: (m[1] ?? m[2]) as string, port };
}

/**
 * Bind with `bind()`, retrying while the address is in use (EADDRINUSE) for up to `windowMs`:
 * a gateway restarted right after SIGTERM finds its ports still held by the old process while
 * that one drains its in-flight and keep-alive connections (up to its --shutdown-grace).
 * Any other error, or the window running out, throws the last error.
 */
export async function bindRetrying<T>(
  bind: () => Promise<T>,
  opts: { windowMs: number; intervalMs?: number; onRetry?: (err: Error) => void },
): Promise<T> {
  const deadline = Date.now() + opts.windowMs;
  let warned = false;
  for (;;) {
    try {
      return await bind();
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === "EADDRINUSE";
      if (!inUse || Date.now() >= deadline) throw err;
      if (!warned) opts.onRetry?.(err as Error);
      warned = true;
      await new Promise((resolve) => setTimeout(resolve, opts.intervalMs ?? 100));
    }
  }
}
