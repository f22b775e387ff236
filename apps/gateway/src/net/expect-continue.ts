// `Expect: 100-continue` as nginx answers it (and so Kong): the interim `100 Continue` is sent only when
// the request goes on to have its body read — a plugin reads it, or it is forwarded upstream. A request
// the access phase refuses gets its final status without a 100 first, and the client never sends a body
// that nobody wants (Node's own default, without a 'checkContinue' listener, is an immediate 100).
import type { IncomingMessage, ServerResponse } from "node:http";

const awaiting = new WeakMap<IncomingMessage, ServerResponse>();

/** The server's 'checkContinue' listener: remembers that `req` waits for a 100, then handles it. */
export function deferContinue(
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    awaiting.set(req, res);
    handle(req, res);
  };
}

/** The body of `req` is about to be read: sends its 100 Continue (once) if the client waits for one. */
export function sendContinue(req: IncomingMessage): void {
  const res = awaiting.get(req);
  if (res === undefined) return;
  awaiting.delete(req);
  if (!res.headersSent && !res.writableEnded) res.writeContinue();
}
