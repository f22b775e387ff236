// An attempt's timeouts: the connect timer, the read watchdog and the write timer. Each timer's
// argument is the attempt; when one fires the attempt fails through its forwarding (which decides
// on a retry, see forward.ts).
import type { Attempt } from "./attempt.js";
import { ForwardError } from "./errors.js";

export function clearTimers(a: Attempt): void {
  if (a.connectTimer !== undefined) clearTimeout(a.connectTimer);
  if (a.readTimer !== undefined) clearTimeout(a.readTimer);
  if (a.writeTimer !== undefined) clearTimeout(a.writeTimer);
  a.connectTimer = a.readTimer = a.writeTimer = undefined;
}

export function armConnect(a: Attempt): void {
  a.connectTimer = setTimeout(onConnectTimeout, a.fx.upstream.spec.connectTimeout, a);
}

export function clearConnect(a: Attempt): void {
  if (a.connectTimer === undefined) return;
  clearTimeout(a.connectTimer);
  a.connectTimer = undefined;
}

function onConnectTimeout(a: Attempt): void {
  a.connectTimer = undefined;
  a.fx.attemptFailed(a, new ForwardError("connect_timeout"));
}

// The read watchdog looks at the socket's byte counter instead of listening to every chunk: it
// checks every quarter of readTimeout, so it fires between 1 and 1.25 x readTimeout after the
// last byte (no listener or clock read per chunk, one timer per request).
function readSlice(readTimeout: number): number {
  return Math.max(1, Math.ceil(readTimeout / 4));
}

export function armRead(a: Attempt): void {
  if (a.readTimer !== undefined || a.done) return;
  a.lastBytes = a.socket?.bytesRead ?? 0;
  a.lastRead = performance.now();
  a.readTimer = setTimeout(checkRead, readSlice(a.fx.upstream.spec.readTimeout), a);
}

function checkRead(a: Attempt): void {
  const readTimeout = a.fx.upstream.spec.readTimeout;
  const now = performance.now();
  const bytes = a.socket?.bytesRead ?? 0;
  if (bytes !== a.lastBytes) {
    a.lastBytes = bytes;
    a.lastRead = now;
  }
  const idle = now - a.lastRead;
  if (idle < readTimeout) {
    a.readTimer = setTimeout(
      checkRead,
      Math.min(readSlice(readTimeout), readTimeout - idle + 1),
      a,
    );
    return;
  }
  const consumerPaused =
    a.proxyRes && (a.proxyRes.readableFlowing !== true || a.fx.res.writableNeedDrain);
  if (consumerPaused) {
    a.lastRead = now;
    a.readTimer = setTimeout(checkRead, readSlice(readTimeout), a);
    return;
  }
  a.readTimer = undefined;
  a.fx.attemptFailed(a, new ForwardError("read_timeout"));
}

export function armWrite(a: Attempt): void {
  if (a.writeTimer !== undefined || a.done || a.proxyRes) return;
  a.writeTimer = setTimeout(onWriteTimeout, a.fx.upstream.spec.writeTimeout, a);
}

function onWriteTimeout(a: Attempt): void {
  a.writeTimer = undefined;
  a.fx.attemptFailed(a, new ForwardError("write_timeout"));
}

export function clearWrite(a: Attempt): void {
  if (a.writeTimer === undefined) return;
  clearTimeout(a.writeTimer);
  a.writeTimer = undefined;
}
