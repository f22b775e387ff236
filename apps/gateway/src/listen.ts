/** `HOST:PORT` (or `[v6]:PORT`) → `{ host, port }`; throws an Error naming the option. */
export function parseHostPort(value: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new Error(
      `${option}: must be HOST:PORT (e.g. 127.0.0.1:8000), got ${JSON.stringify(value)}`,
    );
  }
  return { host: (m[1] ?? m[2]) as string, port };
}
