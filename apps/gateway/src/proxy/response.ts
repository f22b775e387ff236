// The upstream response's relay: proxyRes → res with backpressure (no stream.pipeline: Node 20's
// creates an AbortController and a DOMException per call). Listeners are module-level functions
// that find the other side through a symbol on the emitter.
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import { writeRawResponseHead, writeResponseHead } from "./headers.js";

const kPiped = Symbol("gatehouse.piped");

type Piped = { [kPiped]?: ServerResponse | IncomingMessage };

function onPipedData(this: IncomingMessage, chunk: Buffer): void {
  const res = (this as IncomingMessage & Piped)[kPiped] as ServerResponse;
  if (!res.write(chunk)) this.pause();
}

function onPipedEnd(this: IncomingMessage): void {
  ((this as IncomingMessage & Piped)[kPiped] as ServerResponse).end();
}

function onPipedDrain(this: ServerResponse): void {
  const src = (this as ServerResponse & Piped)[kPiped] as IncomingMessage;
  if (!src.destroyed) src.resume();
}

function onPipedSourceFailed(this: IncomingMessage): void {
  if (this.readableEnded) return;
  const res = (this as IncomingMessage & Piped)[kPiped] as ServerResponse;
  if (!res.destroyed) res.destroy();
}

function onPipedClientClose(this: ServerResponse): void {
  if (this.writableFinished) return;
  const src = (this as ServerResponse & Piped)[kPiped] as IncomingMessage;
  if (!src.destroyed) src.destroy();
}

/**
 * Write the (possibly modified) response head, then stream the upstream body to the client with
 * backpressure. A failure on either side destroys the other (the client socket when the head
 * was already sent, never a second head). Without `head`, the upstream's raw header lines are
 * relayed (hop-by-hop removed).
 */
export function pipeResponse(
  proxyRes: IncomingMessage,
  res: ServerResponse,
  head?: { status: number; headers: OutgoingHttpHeaders | IncomingHttpHeaders },
): void {
  if (proxyRes.destroyed && !proxyRes.readableEnded) {
    res.destroy();
    return;
  }
  if (head !== undefined) writeResponseHead(res, head.status, head.headers);
  else writeRawResponseHead(res, proxyRes.statusCode ?? 502, proxyRes.rawHeaders);
  (proxyRes as IncomingMessage & Piped)[kPiped] = res;
  (res as ServerResponse & Piped)[kPiped] = proxyRes;
  proxyRes.on("error", onPipedSourceFailed);
  proxyRes.on("close", onPipedSourceFailed);
  res.on("close", onPipedClientClose);
  res.on("drain", onPipedDrain);
  proxyRes.on("end", onPipedEnd);
  proxyRes.on("data", onPipedData);
}
