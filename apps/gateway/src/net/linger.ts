// nginx's lingering close for answers sent before the request body was read (a 413, a 401, any refusal):
// the rest of the body is read and discarded, so a client that writes its whole body before it reads
// (curl, most SDKs) gets the answer instead of a connection reset. Bounded like nginx's lingering_time:
// past `ms` or `bytes` the connection is closed.
import type { IncomingMessage, ServerResponse } from "node:http";
import { hasRequestBody } from "./upgrade.js";

/** nginx's lingering_time: 30 s */
export const DEFAULT_LINGER_MS = 30_000;
/** bytes discarded after an early answer before the connection is closed */
export const DEFAULT_LINGER_BYTES = 64 * 1024 * 1024;

export interface LingerLimits {
  ms: number;
  bytes: number;
}

/** how often the bytes discarded are checked (Node drops a dumped body in its parser: no 'data' events) */
const CHECK_MS = 50;

function linger(req: IncomingMessage, limits: LingerLimits): void {
  if (req.complete || req.destroyed) return;
  const socket = req.socket;
  const from = socket.bytesRead;
  const deadline = Date.now() + limits.ms;
  const timer = setInterval(() => {
    if (req.complete || socket.destroyed) cleanup();
    else if (socket.bytesRead - from > limits.bytes || Date.now() >= deadline) {
      cleanup();
      socket.destroy();
    }
  }, CHECK_MS);
  timer.unref();
  const cleanup = (): void => {
    clearInterval(timer);
    req.off("end", cleanup);
    req.off("close", cleanup);
  };
  req.once("end", cleanup);
  req.once("close", cleanup);
  req.resume(); // Node dumps an unread body itself; a half-read one (a plugin stopped at its limit) too
}

/** `handle`, with a bounded lingering read after any answer that finished before its request body. */
export function withLinger(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
  limits: LingerLimits,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.httpVersionMajor === 1 && hasRequestBody(req)) {
      res.once("finish", () => linger(req, limits));
    }
    handle(req, res);
  };
}
