/** Buffering a request or upstream body under a limit. */
import type { IncomingMessage } from "node:http";
import { BodyTooLargeError } from "@gatehouse/plugin-kit";
import { ERROR_CODES, GatewayError } from "../errors.js";
import { sendContinue } from "../net/expect-continue.js";

/** The request's body is over the route's limit: answered with `status`, the connection closed. */
export class RequestBodyError extends GatewayError {
  readonly code = ERROR_CODES.requestBodyTooLarge;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "RequestBodyError";
  }
}

/** Buffers a body up to `limit` bytes; `kitLimit`: the limit is a plugin's (BodyTooLargeError). */
export function readBody(req: IncomingMessage, limit: number, kitLimit = false): Promise<Buffer> {
  sendContinue(req);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        cleanup();
        req.resume();
        reject(
          kitLimit
            ? new BodyTooLargeError(limit)
            : new RequestBodyError(413, `request body is larger than ${limit} bytes`),
        );
        return;
      }
      chunks.push(c);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
