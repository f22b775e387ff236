// An attempt's timeouts: the connect timer, the read watchdog and the write timer. The connect and
// write timers' argument is the attempt; when one fires (or the read watchdog finds the attempt
// idle too long) the attempt fails through its forwarding (which decides on a retry, see
// forward.ts).
import type { Attempt } from "./attempt.js";
import { ForwardError } from "./errors.js";

export function clearTimers(a: Attempt): void {
  if (a.connectTimer !== undefined) clearTimeout(a.connectTimer);
  if (a.readWatch !== undefined) clearRead(a);
  if (a.writeTimer !== undefined) clearTimeout(a.writeTimer);
  a.connectTimer = a.writeTimer = undefined;
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
// last byte (no listener or clock read per chunk). The checks are shared: the attempts waiting
// for upstream bytes sit in one set per readTimeout, walked by one interval (unref'd: the
// attempts' sockets keep the process alive), which stops once its set is empty; an attempt
// joins and leaves its set instead of arming and clearing a timer of its own per request.
function readSlice(readTimeout: number): number {
  return Math.max(1, Math.ceil(readTimeout / 4));
}

/** The attempts under the read watchdog for one readTimeout, and their interval. */
export class ReadWatch {
  readonly attempts = new Set<Attempt>();
  timer: NodeJS.Timeout | undefined;
  constructor(readonly readTimeout: number) {}
}

const watches = new Map<number, ReadWatch>();

export function armRead(a: Attempt): void {
  if (a.readWatch !== undefined || a.done) return;
  a.lastBytes = a.socket?.bytesRead ?? 0;
  a.lastRead = performance.now();
  const readTimeout = a.fx.upstream.spec.readTimeout;
  let w = watches.get(readTimeout);
  if (w === undefined) {
    w = new ReadWatch(readTimeout);
    watches.set(readTimeout, w);
  }
  w.attempts.add(a);
  a.readWatch = w;
  if (w.timer === undefined) {
    w.timer = setInterval(checkReads, readSlice(readTimeout), w);
    w.timer.unref();
  }
}

function clearRead(a: Attempt): void {
  (a.readWatch as ReadWatch).attempts.delete(a);
  a.readWatch = undefined;
}

function checkReads(w: ReadWatch): void {
  if (w.attempts.size === 0) {
    clearInterval(w.timer);
    w.timer = undefined;
    return;
  }
  const now = performance.now();
  for (const a of w.attempts) checkRead(a, w.readTimeout, now);
}

function checkRead(a: Attempt, readTimeout: number, now: number): void {
  const bytes = a.socket?.bytesRead ?? 0;
  if (bytes !== a.lastBytes) {
    a.lastBytes = bytes;
    a.lastRead = now;
  }
  if (now - a.lastRead < readTimeout) return;
  const consumerPaused =
    a.proxyRes && (a.proxyRes.readableFlowing !== true || a.fx.res.writableNeedDrain);
  if (consumerPaused) {
    a.lastRead = now;
    return;
  }
  clearRead(a);
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
